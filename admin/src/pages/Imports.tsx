/**
 * 导入: upload a CSV/XLSX, read the dry run's report (every bad row with its reason), then apply —
 * backoffice.importFile runs the CLI's own reading and import code. Applying with bad rows writes
 * nothing unless 跳过错误行 is chosen.
 */
import { useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Descriptions, Select, Space, Table, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { IMPORT_KIND_LABELS, type ImportKind } from '@dinghuo/shared/importRows';
import { MAX_IMPORT_FILE_BYTES, type BackofficeOutputs } from '@dinghuo/shared/backofficeApi';
import { ApiError, bo, errorMessage } from '../api/client';
import { dateTime, fileToBase64 } from '../format';
import { Async, EmptyState, useApi } from '../components/states';
import { useSession } from '../session';

type Report = BackofficeOutputs['importFile'];

function ReportView({ r }: { r: Report }) {
  return (
    <div data-testid="import-report">
      <Descriptions size="small" bordered column={4} style={{ marginTop: 16 }}>
        <Descriptions.Item label="文件">{r.fileName}{r.sheetName ? `（${r.sheetName}）` : ''}</Descriptions.Item>
        <Descriptions.Item label="数据行">{r.rows}</Descriptions.Item>
        <Descriptions.Item label="新增"><span data-testid="import-created">{r.created}</span></Descriptions.Item>
        <Descriptions.Item label="更新">{r.updated}</Descriptions.Item>
        <Descriptions.Item label="不变">{r.unchanged}</Descriptions.Item>
        <Descriptions.Item label="错误行"><span data-testid="import-bad-count" style={{ color: r.bad.length ? '#cf1322' : undefined }}>{r.bad.length}</span></Descriptions.Item>
        <Descriptions.Item label="已跳过">{r.skipped}</Descriptions.Item>
        <Descriptions.Item label="状态">{r.written ? <b style={{ color: '#389e0d' }}>已写入</b> : r.dryRun ? '预检（未写入）' : '未写入'}</Descriptions.Item>
      </Descriptions>
      {r.ignoredColumns.length ? <Alert style={{ marginTop: 8 }} type="info" showIcon message={`未识别的列（已忽略）：${r.ignoredColumns.join('、')}`} /> : null}
      {r.bad.length ? (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>错误行</Typography.Title>
          <Table rowKey={(b) => `${b.row}-${b.reason}`} size="small" pagination={{ pageSize: 50 }} dataSource={r.bad} data-testid="import-bad-rows"
            columns={[{ title: '行号', dataIndex: 'row', width: 80 }, { title: '编码', dataIndex: 'key', width: 160 }, { title: '原因', dataIndex: 'reason' }]} />
        </>
      ) : null}
      {r.warnings.length ? (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>提醒</Typography.Title>
          <Table rowKey={(b) => `${b.row}-${b.reason}`} size="small" pagination={{ pageSize: 20 }} dataSource={r.warnings}
            columns={[{ title: '行号', dataIndex: 'row', width: 80 }, { title: '编码', dataIndex: 'key', width: 160 }, { title: '说明', dataIndex: 'reason' }]} />
        </>
      ) : null}
    </div>
  );
}

export default function Imports() {
  const { isAdmin } = useSession();
  const { message } = App.useApp();
  const [kind, setKind] = useState<ImportKind>('products');
  const [file, setFile] = useState<{ name: string; base64: string } | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [skipBad, setSkipBad] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [runsPage, setRunsPage] = useState(1);
  const runs = useApi(async () => (isAdmin ? bo('importRuns', { page: runsPage, pageSize: 10 }) : null), [isAdmin, runsPage]);

  const run = async (dryRun: boolean, f = file) => {
    if (!f) return;
    setBusy(true);
    setError('');
    try {
      const r = await bo('importFile', { kind, fileName: f.name, base64: f.base64, dryRun, skipBad });
      setReport(r);
      if (!dryRun) {
        message.success(`已导入：新增 ${r.created}，更新 ${r.updated}`);
        runs.reload();
      }
    } catch (e) {
      const details = e instanceof ApiError ? (e.details as { report?: Report } | undefined) : undefined;
      if (details?.report) setReport({ ...details.report, fileName: f.name, sheetName: report?.sheetName ?? '', ignoredColumns: report?.ignoredColumns ?? [] });
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (!isAdmin) return <Card title="导入"><EmptyState description="导入仅管理员可用" /></Card>;
  return (
    <>
    <Card title="导入数据">
      <Space style={{ marginBottom: 16 }}>
        类型
        <Select value={kind} style={{ width: 120 }} data-testid="import-kind" onChange={(k) => { setKind(k); setReport(null); setFile(null); }}
          options={(Object.keys(IMPORT_KIND_LABELS) as ImportKind[]).map((k) => ({ value: k, label: IMPORT_KIND_LABELS[k] }))} />
        <Typography.Text type="secondary">CSV（UTF-8 或 Excel 的 GB18030）或 XLSX；表头格式见 scripts/import/README.md。</Typography.Text>
      </Space>
      <Upload.Dragger
        accept=".csv,.xlsx"
        multiple={false}
        showUploadList={false}
        data-testid="import-upload"
        customRequest={async ({ file: raw }) => {
          const f = raw as File;
          if (f.size > MAX_IMPORT_FILE_BYTES) return void setError('文件不能超过 4 MB');
          const next = { name: f.name, base64: await fileToBase64(f) };
          setFile(next);
          setReport(null);
          await run(true, next);
        }}
      >
        <p className="ant-upload-drag-icon"><InboxOutlined /></p>
        <p>点击或拖入文件：先预检，不写入</p>
        {file ? <p data-testid="import-file">{file.name}</p> : null}
      </Upload.Dragger>
      {error ? <Alert style={{ marginTop: 16 }} type="error" showIcon message={error} data-testid="import-error" /> : null}
      {report ? <ReportView r={report} /> : null}
      {report && report.dryRun && file ? (
        <Space style={{ marginTop: 16 }}>
          {report.bad.length ? <Checkbox checked={skipBad} onChange={(e) => setSkipBad(e.target.checked)} data-testid="import-skip-bad">跳过 {report.bad.length} 个错误行</Checkbox> : null}
          <Button type="primary" loading={busy} disabled={report.bad.length > 0 && !skipBad} onClick={() => run(false)} data-testid="import-apply">
            确认导入
          </Button>
          <Button onClick={() => run(true)} loading={busy}>重新预检</Button>
        </Space>
      ) : null}
    </Card>
    <Card title="最近导入" style={{ marginTop: 16 }} data-testid="import-runs">
      <Async state={runs} empty="还没有导入过数据" isEmpty={(p) => !p || p.items.length === 0}>
        {(p) => (
          <Table
            rowKey="_id"
            size="small"
            dataSource={p!.items}
            pagination={{ current: p!.page, pageSize: 10, total: p!.total, showSizeChanger: false, onChange: setRunsPage }}
            columns={[
              { title: '时间', dataIndex: 'at', render: (v: number) => dateTime(v) },
              { title: '类型', dataIndex: 'kind', render: (k: string) => IMPORT_KIND_LABELS[k as ImportKind] ?? k },
              { title: '文件', dataIndex: 'file' },
              { title: '新增', dataIndex: 'created', align: 'right' },
              { title: '更新', dataIndex: 'updated', align: 'right' },
              { title: '未变', dataIndex: 'unchanged', align: 'right' },
              { title: '跳过', dataIndex: 'skipped', align: 'right' },
            ]}
          />
        )}
      </Async>
    </Card>
    </>
  );
}
