/** A local-only page listing what the message recorder would have sent to whom. */
import { formatWechatTime } from '@dinghuo/shared';
import type { Store } from '../../cloudfunctions/_lib/data/store';

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export async function renderOutboxPage(store: Store): Promise<string> {
  const [sent, jobs] = await Promise.all([
    store.find('sentMessages', {}, { orderBy: [['at', 'desc']], limit: 200 }),
    store.find('messageJobs', {}, { orderBy: [['createdAt', 'desc']], limit: 200 }),
  ]);
  const sentRows = sent
    .map(
      (m) =>
        `<tr><td>${esc(formatWechatTime(m.at))}</td><td>${esc(m.touser)}</td><td>${esc(m.templateId)}</td><td>${esc(m.page)}</td><td>${Object.entries(m.data)
          .map(([k, v]) => `${esc(k)}: ${esc(v.value)}`)
          .join('<br>')}</td></tr>`,
    )
    .join('');
  const jobRows = jobs
    .map(
      (j) =>
        `<tr><td>${esc(formatWechatTime(j.createdAt))}</td><td>${esc(j.payload.orderNo)}</td><td>${esc(j.payload.status)}</td><td>${esc(j.status)}</td><td>${j.attempts}</td><td>${esc(j.result ?? '')}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>订阅消息记录（本地）</title>
<style>body{font-family:sans-serif;margin:24px}table{border-collapse:collapse;width:100%;margin-bottom:32px}td,th{border:1px solid #ddd;padding:6px;font-size:13px;text-align:left;vertical-align:top}</style></head>
<body><h1>订阅消息记录（本地运行时）</h1><p>本地不会真正发送微信消息；以下是将会发送给谁的内容。</p>
<h2>已发送（${sent.length}）</h2><table><tr><th>时间</th><th>接收人 openid</th><th>模板</th><th>页面</th><th>内容</th></tr>${sentRows || '<tr><td colspan="5">暂无</td></tr>'}</table>
<h2>消息任务（${jobs.length}）</h2><table><tr><th>创建时间</th><th>订单号</th><th>状态</th><th>任务状态</th><th>尝试次数</th><th>结果</th></tr>${jobRows || '<tr><td colspan="6">暂无</td></tr>'}</table>
</body></html>`;
}
