/**
 * 代下单: the merchandiser takes an order by phone for one of its customers. The catalog, the
 * prices and the quote are the customer's own (computed by the server); the order is reserved
 * and priced exactly as if the customer had submitted it.
 */
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Input, Text, Textarea, View } from '@tarojs/components';
import { useEffect, useRef, useState } from 'react';
import type { CatalogItem, Quote } from '@dinghuo/shared/api';
import type { CustomerView } from '@dinghuo/shared/followupApi';
import type { OrderUnit } from '@dinghuo/shared/catalog';
import { formatFen } from '@dinghuo/shared/fen';
import { call } from '@/api/client';
import { messageOf } from '@/api/errors';
import Stepper from '@/components/Stepper';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import { newRequestId } from '@/utils/requestId';
import './index.scss';

interface Pick {
  item: CatalogItem;
  unit: OrderUnit;
  count: number;
}

export default function PlaceOrderPage() {
  const router = useRouter();
  const customerId = router.params.customerId ? decodeURIComponent(router.params.customerId) : '';
  const [customer, setCustomer] = useState<CustomerView['customer'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [keyword, setKeyword] = useState('');
  const [items, setItems] = useState<CatalogItem[] | null>(null);
  const [picks, setPicks] = useState<Map<string, Pick>>(new Map());
  const [quote, setQuote] = useState<Quote | null>(null);
  const [addressId, setAddressId] = useState('');
  const [remark, setRemark] = useState('');
  const [busy, setBusy] = useState(false);
  const requestId = useRef(newRequestId());

  useEffect(() => {
    if (!customerId) return;
    call('followup', 'customerView', { customerId, page: 1, pageSize: 1 })
      .then((v) => {
        setCustomer(v.customer);
        setAddressId((v.customer.addresses.find((a) => a.isDefault) ?? v.customer.addresses[0])?.id ?? '');
        void Taro.setNavigationBarTitle({ title: `代客下单 · ${v.customer.name}` });
      })
      .catch(setError);
  }, [customerId]);

  useEffect(() => {
    if (!customerId) return;
    const t = setTimeout(() => {
      call('followup', 'catalogFor', { customerId, page: 1, pageSize: 30, ...(keyword.trim() ? { keyword: keyword.trim() } : {}) })
        .then((p) => setItems(p.items))
        .catch(setError);
    }, keyword ? 300 : 0);
    return () => clearTimeout(t);
  }, [customerId, keyword]);

  const lines = [...picks.values()].map((p) => ({ skuId: p.item.skuId, unit: p.unit, count: p.count }));
  const linesKey = JSON.stringify(lines);
  useEffect(() => {
    if (lines.length === 0) {
      setQuote(null);
      return;
    }
    // A change of the cart is a new order attempt.
    requestId.current = newRequestId();
    call('followup', 'quoteFor', { customerId, lines })
      .then(setQuote)
      .catch(() => setQuote(null));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [linesKey, customerId]);

  const setPick = (item: CatalogItem, unit: OrderUnit, count: number | null) =>
    setPicks((m) => {
      const next = new Map(m);
      if (count === null) next.delete(item.skuId);
      else next.set(item.skuId, { item, unit, count });
      return next;
    });

  const submit = async () => {
    if (busy || !quote?.valid || !addressId) return;
    setBusy(true);
    try {
      const order = await call('followup', 'placeOrder', { customerId, requestId: requestId.current, lines, addressId, remark: remark.trim() });
      void Taro.showToast({ title: '已代客下单', icon: 'success' });
      void Taro.redirectTo({ url: `/packageFollowup/detail/index?id=${encodeURIComponent(order._id)}` });
    } catch (e) {
      void Taro.showModal({ title: '下单失败', content: messageOf(e), showCancel: false });
    } finally {
      setBusy(false);
    }
  };

  if (!customerId) return <Empty text='请先选择客户' />;
  if (error && !customer) return <ErrorState error={error} />;
  if (!customer) return <Loading />;

  return (
    <View className={`page po ${picks.size > 0 ? 'po--with-bar' : ''}`} data-testid='place-order'>
      <View className='card'>
        <Text className='section-title'>为 {customer.name} 下单</Text>
        <Input className='po-search' placeholder='搜索商品名称、规格或编码' value={keyword} onInput={(e) => setKeyword(String(e.detail.value))} />
      </View>
      <View className='card'>
        {items === null ? <Loading /> : null}
        {items?.length === 0 ? <Text className='muted'>没有找到商品</Text> : null}
        {items?.map((item) => {
          const pick = picks.get(item.skuId);
          const unit: OrderUnit = pick?.unit ?? item.unitOptions[0] ?? 'piece';
          return (
            <View key={item.skuId} className='po-sku' data-testid='po-sku' data-sku={item.skuId}>
              <View className='row row--between'>
                <Text className='po-sku__name'>
                  {item.name} <Text className='muted'>{item.spec}</Text>
                </Text>
                <Text className='price'>
                  {formatFen(item.unitPriceFen)}/{item.baseUnit}
                </Text>
              </View>
              <View className='row row--between po-sku__row'>
                <Text className='muted'>
                  {item.inStock ? `可订 ${item.available}${item.baseUnit}` : '缺货'}
                  {item.caseSize > 1 ? ` · ${item.caseSize}${item.baseUnit}/${item.caseUnit}` : ''}
                </Text>
                {!item.inStock ? null : pick ? (
                  <View className='row'>
                    {item.unitOptions.length > 1
                      ? item.unitOptions.map((u) => (
                          <Text key={u} className={`chip po-unit ${u === pick.unit ? 'chip--on' : ''}`} onClick={() => setPick(item, u, pick.count)}>
                            {u === 'case' ? item.caseUnit : item.baseUnit}
                          </Text>
                        ))
                      : null}
                    <Stepper value={pick.count} min={0} onChange={(v) => setPick(item, pick.unit, v > 0 ? v : null)} />
                  </View>
                ) : (
                  <Text className='po-add' data-testid='po-add' onClick={() => setPick(item, unit, 1)}>
                    + 加入
                  </Text>
                )}
              </View>
            </View>
          );
        })}
      </View>
      {quote ? (
        <View className='card' data-testid='po-quote'>
          <View className='section-title'>订单明细</View>
          {quote.lines.map((l) => (
            <View key={`${l.skuId}|${l.unit}`} className='po-line'>
              <View className='row row--between'>
                <Text>
                  {l.name} {l.spec} × {l.count}
                  {l.unit === 'case' ? l.caseUnit : l.baseUnit}
                </Text>
                <Text>{formatFen(l.amountFen)}</Text>
              </View>
              {l.error ? <Text className='error-text'>{l.error.message}</Text> : null}
            </View>
          ))}
          <View className='section-title po-addr-title'>收货地址</View>
          {customer.addresses.map((a) => (
            <View key={a.id} className={`po-addr ${a.id === addressId ? 'po-addr--on' : ''}`} onClick={() => setAddressId(a.id)}>
              <Text>
                {a.contact} {a.phone}
              </Text>
              <Text className='muted po-addr__text'>{a.address}</Text>
            </View>
          ))}
          <Textarea className='po-remark' placeholder='备注（选填）' maxlength={200} value={remark} onInput={(e) => setRemark(String(e.detail.value))} />
        </View>
      ) : null}
      {picks.size > 0 ? (
        <View className='bottom-bar po-bar'>
          <Text>
            {picks.size} 种 · 合计{' '}
            <Text className='price' data-testid='po-total'>
              {quote ? formatFen(quote.totalFen) : '…'}
            </Text>
          </Text>
          <Button className='btn-primary' size='mini' disabled={busy || !quote?.valid || !addressId} data-testid='po-submit' onClick={() => void submit()}>
            提交订单
          </Button>
        </View>
      ) : null}
    </View>
  );
}
