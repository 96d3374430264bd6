/**
 * 商品: the SKU table (search, category, 上架/下架 filter; bulk 上架/下架), and the product form
 * (product + its SKUs: spec, units and case size, list price, MOQ, lead time, made-to-order,
 * image uploaded to storage). Every write is backoffice.saveProduct / setSkusActive / uploadImage.
 */
import { useState } from 'react';
import { App, Button, Card, Checkbox, Col, Drawer, Form, Image, Input, InputNumber, Row, Select, Space, Switch, Table, Tag, Upload } from 'antd';
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import type { BackofficeProductRow, SkuInput } from '@dinghuo/shared/backofficeApi';
import { IMAGE_MIME_TYPES, MAX_IMAGE_BYTES } from '@dinghuo/shared/backofficeApi';
import { bo, errorMessage } from '../api/client';
import { EmptyState, ErrorState, LoadingState, useApi } from '../components/states';
import { useSession } from '../session';
import { fen, fileToBase64, parseYuanToFen } from '../format';

interface SkuForm {
  _id?: string;
  code: string;
  spec: string;
  baseUnit: string;
  caseUnit: string;
  caseSize: number;
  caseOnly: boolean;
  listPrice: string;
  moq: number;
  leadTimeDays: number;
  madeToOrder: boolean;
  active: boolean;
  lowStockThreshold: number;
  imageFileId?: string | null;
  imageUrl?: string | null;
}
interface ProductForm {
  _id?: string;
  code: string;
  name: string;
  categoryId: string;
  description: string;
  skus: SkuForm[];
}

const NEW_SKU: SkuForm = { code: '', spec: '', baseUnit: '件', caseUnit: '箱', caseSize: 1, caseOnly: false, listPrice: '', moq: 1, leadTimeDays: 3, madeToOrder: false, active: true, lowStockThreshold: 0 };

function ImageField({ value, url, onChange }: { value?: string | null; url?: string | null; onChange: (fileId: string | null, url: string | null) => void }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  return (
    <Space>
      {url ? <Image src={url} width={56} height={56} style={{ objectFit: 'cover' }} data-testid="sku-image-preview" /> : <div style={{ width: 56, height: 56, background: '#f5f5f5' }} />}
      <Upload
        accept={IMAGE_MIME_TYPES.join(',')}
        showUploadList={false}
        customRequest={async ({ file }) => {
          const f = file as File;
          if (f.size > MAX_IMAGE_BYTES) return void message.error('图片不能超过 2 MB');
          setBusy(true);
          try {
            const up = await bo('uploadImage', { fileName: f.name.slice(0, 100), mime: f.type as (typeof IMAGE_MIME_TYPES)[number], base64: await fileToBase64(f) });
            onChange(up.fileId, up.url);
          } catch (e) {
            message.error(errorMessage(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Button icon={<UploadOutlined />} loading={busy} data-testid="sku-image-upload">
          上传图片
        </Button>
      </Upload>
      {value ? (
        <Button type="link" onClick={() => onChange(null, null)}>
          移除
        </Button>
      ) : null}
    </Space>
  );
}

function ProductEditor({ productId, onClose, onSaved }: { productId: string | null; onClose: () => void; onSaved: () => void }) {
  const { refs } = useSession();
  const { message } = App.useApp();
  const [form] = Form.useForm<ProductForm>();
  const [saving, setSaving] = useState(false);
  const detail = useApi(async () => {
    if (!productId) return { code: '', name: '', categoryId: refs.categories[0]?._id ?? '', description: '', skus: [{ ...NEW_SKU }] } as ProductForm;
    const d = await bo('product', { productId });
    return {
      _id: d.product._id,
      code: d.product.code,
      name: d.product.name,
      categoryId: d.product.categoryId,
      description: d.product.description,
      skus: d.skus.map((s) => ({
        _id: s._id,
        code: s.code,
        spec: s.spec,
        baseUnit: s.baseUnit,
        caseUnit: s.caseUnit,
        caseSize: s.caseSize,
        caseOnly: s.caseOnly,
        listPrice: (s.listPriceFen / 100).toFixed(2),
        moq: s.moq,
        leadTimeDays: s.leadTimeDays,
        madeToOrder: s.madeToOrder,
        active: s.active,
        lowStockThreshold: s.lowStockThreshold ?? 0,
        imageFileId: s.imageFileId ?? null,
        imageUrl: s.imageUrl ?? null,
      })),
    } as ProductForm;
  }, [productId]);

  const save = async (v: ProductForm) => {
    const skus: SkuInput[] = [];
    for (const [i, s] of v.skus.entries()) {
      const listPriceFen = parseYuanToFen(String(s.listPrice ?? ''));
      if (listPriceFen === null) return void message.error(`第 ${i + 1} 个规格的标价不是金额`);
      const initial = detail.data?.skus.find((x) => x._id && x._id === s._id);
      skus.push({
        ...(s._id ? { _id: s._id } : {}),
        code: s.code,
        spec: s.spec ?? '',
        baseUnit: s.baseUnit,
        caseUnit: s.caseUnit,
        caseSize: s.caseSize,
        caseOnly: !!s.caseOnly,
        listPriceFen,
        moq: s.moq,
        leadTimeDays: s.leadTimeDays,
        madeToOrder: !!s.madeToOrder,
        // 上架/下架 and 低库存预警 have their own actions: sent only when set here (or for a new SKU),
        // so saving does not undo a change made elsewhere since the form opened
        ...(!initial || (s.active !== false) !== initial.active ? { active: s.active !== false } : {}),
        ...(!initial || (s.lowStockThreshold ?? 0) !== initial.lowStockThreshold ? { lowStockThreshold: s.lowStockThreshold ?? 0 } : {}),
        // absent keeps the stored image; a new upload or a removal sends it
        ...(s.imageFileId !== (initial?.imageFileId ?? null) ? { imageFileId: s.imageFileId ?? null } : {}),
      });
    }
    setSaving(true);
    try {
      await bo('saveProduct', {
        product: { ...(v._id ? { _id: v._id } : {}), code: v.code, name: v.name, categoryId: v.categoryId, description: v.description ?? '' },
        skus,
      });
      message.success('已保存');
      onSaved();
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      open
      width={980}
      title={productId ? '编辑商品' : '新建商品'}
      onClose={onClose}
      extra={
        <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="product-save">
          保存
        </Button>
      }
    >
      {detail.error ? (
        <ErrorState error={detail.error} onRetry={detail.reload} />
      ) : !detail.data ? (
        <LoadingState />
      ) : (
        <Form form={form} layout="vertical" initialValues={detail.data} onFinish={save} data-testid="product-form">
          <Form.Item name="_id" hidden>
            <Input />
          </Form.Item>
          <Row gutter={12}>
            <Col span={6}>
              <Form.Item name="code" label="商品编码" rules={[{ required: true, message: '请填写商品编码' }]}>
                <Input disabled={!!productId} data-testid="product-code" />
              </Form.Item>
            </Col>
            <Col span={10}>
              <Form.Item name="name" label="商品名称" rules={[{ required: true, message: '请填写商品名称' }]}>
                <Input data-testid="product-name" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="categoryId" label="分类" rules={[{ required: true, message: '请选择分类' }]}>
                <Select options={refs.categories.map((c) => ({ value: c._id, label: c.name }))} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="description" label="描述">
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
          <Form.List name="skus">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field, i) => (
                  <Card key={field.key} size="small" title={`规格 ${i + 1}`} style={{ marginBottom: 12 }} data-testid="sku-card"
                    extra={fields.length > 1 && !form.getFieldValue(['skus', field.name, '_id']) ? <Button type="link" danger onClick={() => remove(field.name)}>删除</Button> : null}>
                    <Form.Item name={[field.name, '_id']} hidden><Input /></Form.Item>
                    <Row gutter={8}>
                      <Col span={5}><Form.Item name={[field.name, 'code']} label="SKU 编码" rules={[{ required: true, message: '请填写' }]}><Input disabled={!!form.getFieldValue(['skus', field.name, '_id'])} data-testid="sku-code" /></Form.Item></Col>
                      <Col span={5}><Form.Item name={[field.name, 'spec']} label="规格"><Input data-testid="sku-spec" /></Form.Item></Col>
                      <Col span={3}><Form.Item name={[field.name, 'baseUnit']} label="单位" rules={[{ required: true, message: '请填写' }]}><Input maxLength={4} /></Form.Item></Col>
                      <Col span={3}><Form.Item name={[field.name, 'caseUnit']} label="包装单位" rules={[{ required: true, message: '请填写' }]}><Input maxLength={4} /></Form.Item></Col>
                      <Col span={4}><Form.Item name={[field.name, 'caseSize']} label="每箱数量" rules={[{ required: true, message: '请填写' }]}><InputNumber min={1} precision={0} style={{ width: '100%' }} /></Form.Item></Col>
                      <Col span={4}><Form.Item name={[field.name, 'listPrice']} label="标价（元）" rules={[{ required: true, message: '请填写' }]}><Input prefix="¥" data-testid="sku-price" /></Form.Item></Col>
                    </Row>
                    <Row gutter={8} align="middle">
                      <Col span={4}><Form.Item name={[field.name, 'moq']} label="起订量"><InputNumber min={1} precision={0} style={{ width: '100%' }} /></Form.Item></Col>
                      <Col span={4}><Form.Item name={[field.name, 'leadTimeDays']} label="交货周期（天）"><InputNumber min={0} max={365} precision={0} style={{ width: '100%' }} /></Form.Item></Col>
                      <Col span={4}><Form.Item name={[field.name, 'lowStockThreshold']} label="低库存预警"><InputNumber min={0} precision={0} style={{ width: '100%' }} /></Form.Item></Col>
                      <Col span={3}><Form.Item name={[field.name, 'caseOnly']} valuePropName="checked" label=" "><Checkbox>只能整箱</Checkbox></Form.Item></Col>
                      <Col span={3}><Form.Item name={[field.name, 'madeToOrder']} valuePropName="checked" label=" "><Checkbox>定制生产</Checkbox></Form.Item></Col>
                      <Col span={2}><Form.Item name={[field.name, 'active']} valuePropName="checked" label="上架"><Switch /></Form.Item></Col>
                      <Col span={4}>
                        <Form.Item label="图片" shouldUpdate>
                          {() => (
                            <ImageField
                              value={form.getFieldValue(['skus', field.name, 'imageFileId'])}
                              url={form.getFieldValue(['skus', field.name, 'imageUrl'])}
                              onChange={(fileId, url) => {
                                form.setFieldValue(['skus', field.name, 'imageFileId'], fileId);
                                form.setFieldValue(['skus', field.name, 'imageUrl'], url);
                              }}
                            />
                          )}
                        </Form.Item>
                        <Form.Item name={[field.name, 'imageFileId']} hidden><Input /></Form.Item>
                        <Form.Item name={[field.name, 'imageUrl']} hidden><Input /></Form.Item>
                      </Col>
                    </Row>
                  </Card>
                ))}
                <Button icon={<PlusOutlined />} onClick={() => add({ ...NEW_SKU })}>
                  添加规格
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      )}
    </Drawer>
  );
}

export default function Products() {
  const { refs, isAdmin } = useSession();
  const { message } = App.useApp();
  const [keyword, setKeyword] = useState('');
  const [categoryId, setCategoryId] = useState<string | undefined>();
  const [active, setActive] = useState<boolean | undefined>();
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<string[]>([]);
  const [editing, setEditing] = useState<string | null | undefined>(undefined);
  const list = useApi(
    () => bo('products', { page, pageSize: 20, ...(keyword ? { keyword } : {}), ...(categoryId ? { categoryId } : {}), ...(active !== undefined ? { active } : {}) }),
    [page, keyword, categoryId, active],
  );
  const setActiveFor = async (on: boolean) => {
    try {
      const r = await bo('setSkusActive', { skuIds: selected, active: on });
      message.success(`${on ? '上架' : '下架'} ${r.updated} 个规格`);
      setSelected([]);
      list.reload();
    } catch (e) {
      message.error(errorMessage(e));
    }
  };
  // 整品上架 / 整品下架: every SKU of the product at once (backoffice.setProductActive)
  const setProductActive = async (productId: string, on: boolean) => {
    try {
      const r = await bo('setProductActive', { productId, active: on });
      message.success(`已${on ? '上架' : '下架'}整个商品（${r.updated} 个规格）`);
      list.reload();
    } catch (e) {
      message.error(errorMessage(e));
    }
  };
  const catName = new Map(refs.categories.map((c) => [c._id, c.name]));
  return (
    <Card
      title="商品"
      extra={isAdmin ? <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="product-new">新建商品</Button> : null}
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search allowClear placeholder="编码 / 名称 / 规格" style={{ width: 240 }} onSearch={(v) => { setKeyword(v.trim()); setPage(1); }} data-testid="product-search" />
        <Select allowClear placeholder="分类" style={{ width: 140 }} value={categoryId} onChange={(v) => { setCategoryId(v); setPage(1); }} options={refs.categories.map((c) => ({ value: c._id, label: c.name }))} />
        <Select allowClear placeholder="上架状态" style={{ width: 120 }} value={active === undefined ? undefined : active ? 'on' : 'off'} onChange={(v) => { setActive(v === undefined ? undefined : v === 'on'); setPage(1); }} options={[{ value: 'on', label: '已上架' }, { value: 'off', label: '已下架' }]} />
        {isAdmin ? (
          <>
            <Button disabled={!selected.length} onClick={() => setActiveFor(true)}>上架</Button>
            <Button disabled={!selected.length} onClick={() => setActiveFor(false)}>下架</Button>
          </>
        ) : null}
      </Space>
      {list.error && !list.data ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <LoadingState />
      ) : list.data.items.length === 0 ? (
        <EmptyState description={keyword || categoryId || active !== undefined ? '没有符合条件的商品' : '还没有商品，点击“新建商品”或从“导入”上传商品表'} />
      ) : (
        <Table<BackofficeProductRow>
          rowKey="skuId"
          size="middle"
          data-testid="product-table"
          loading={list.loading}
          dataSource={list.data.items}
          rowSelection={isAdmin ? { selectedRowKeys: selected, onChange: (k) => setSelected(k as string[]) } : undefined}
          pagination={{ current: page, pageSize: 20, total: list.data.total, showSizeChanger: false, onChange: setPage, showTotal: (t) => `共 ${t} 个规格` }}
          columns={[
            { title: '图片', dataIndex: 'imageUrl', width: 70, render: (u: string | null) => (u ? <Image src={u} width={40} height={40} style={{ objectFit: 'cover' }} /> : null) },
            { title: '编码', dataIndex: 'code' },
            { title: '名称', dataIndex: 'name' },
            { title: '规格', dataIndex: 'spec' },
            { title: '分类', dataIndex: 'categoryId', render: (c: string, r) => r.categoryName || catName.get(c) },
            { title: '包装', render: (_, r) => (r.caseSize > 1 ? `${r.caseSize}${r.baseUnit}/${r.caseUnit}${r.caseOnly ? '（整箱）' : ''}` : r.baseUnit) },
            { title: '标价', dataIndex: 'listPriceFen', align: 'right', render: (v: number, r) => `${fen(v)}/${r.baseUnit}` },
            { title: '起订量', dataIndex: 'moq', align: 'right' },
            { title: '交货周期', dataIndex: 'leadTimeDays', render: (d: number, r) => `${d} 天${r.madeToOrder ? '（定制）' : ''}` },
            { title: '可用库存', dataIndex: 'available', align: 'right' },
            { title: '状态', dataIndex: 'active', render: (a: boolean) => (a ? <Tag color="green">已上架</Tag> : <Tag>已下架</Tag>) },
            {
              title: '',
              render: (_, r) => (
                <Space size={0}>
                  <Button type="link" onClick={() => setEditing(r.productId)}>{isAdmin ? '编辑' : '查看'}</Button>
                  {isAdmin ? (
                    <Button type="link" data-testid="product-active-toggle" onClick={() => setProductActive(r.productId, !r.active)}>
                      {r.active ? '整品下架' : '整品上架'}
                    </Button>
                  ) : null}
                </Space>
              ),
            },
          ]}
        />
      )}
      {editing !== undefined ? (
        <ProductEditor
          productId={editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            list.reload();
          }}
        />
      ) : null}
    </Card>
  );
}
