/**
 * A local-only page: what the message recorder would have sent to whom, every outbox job with
 * its per-recipient results, the consent counts, and a form that simulates a customer tapping
 * 允许 in WeChat's subscription dialog (H5 has no such dialog, so locally nobody could consent).
 */
import { consentId, formatWechatTime } from '@dinghuo/shared';
import type { Store } from '../../cloudfunctions/_lib/data/store';
import type { AppConfig } from '../../cloudfunctions/_lib/config';

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const JOB_STATUS_LABELS: Record<string, string> = {
  pending: '待发送',
  sending: '发送中',
  sent: '已发送',
  no_quota: '无订阅额度',
  failed: '失败',
};

/** Simulates one `accept` from requestSubscribeMessage for a bound customer (local only). */
export async function grantLocalConsent(store: Store, config: AppConfig, openid: string, now: number): Promise<boolean> {
  const user = await store.get('users', openid);
  if (!user || user.role !== 'customer') return false;
  const templateId = config.templates.orderStatus;
  const id = consentId(openid, templateId);
  await store.transaction(async (tx) => {
    const current = await tx.get('consents', id);
    if (current) await tx.patch('consents', id, { count: { $inc: 1 }, updatedAt: now });
    else await tx.insert('consents', { _id: id, openid, templateId, count: 1, updatedAt: now });
  });
  return true;
}

export async function renderOutboxPage(store: Store, config?: AppConfig): Promise<string> {
  const [sent, jobs, consents, customers] = await Promise.all([
    store.find('sentMessages', {}, { orderBy: [['at', 'desc']], limit: 200 }),
    store.find('messageJobs', {}, { orderBy: [['createdAt', 'desc']], limit: 200 }),
    store.find('consents', {}, { orderBy: [['_id', 'asc']], limit: 200 }),
    store.find('users', { role: 'customer' }, { orderBy: [['_id', 'asc']], limit: 200 }),
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
        `<tr><td>${esc(formatWechatTime(j.createdAt))}</td><td>${esc(j.payload.orderNo)}</td><td>${esc(j.payload.status)}</td><td>${esc(
          JOB_STATUS_LABELS[j.status] ?? j.status,
        )}</td><td>${j.attempts}</td><td>${esc(j.result ?? '')}</td><td>${(j.deliveries ?? [])
          .map((d) => `${esc(d.openid)}: ${esc(d.result)}`)
          .join('<br>')}</td><td>${j.status === 'pending' ? esc(formatWechatTime(j.nextAttemptAt)) : ''}</td></tr>`,
    )
    .join('');
  const consentRows = consents.map((c) => `<tr><td>${esc(c.openid)}</td><td>${esc(c.templateId)}</td><td>${c.count}</td></tr>`).join('');
  const grantForm = config
    ? `<form method="post" action="/local/outbox/consent"><label>模拟客户点击“允许”（模板 ${esc(config.templates.orderStatus)}）：
<select name="openid">${customers.map((u) => `<option value="${esc(u._id)}">${esc(u.name || u._id)}（${esc(u._id)}）</option>`).join('')}</select></label>
<button type="submit">增加一次订阅</button></form>`
    : '';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>订阅消息记录（本地）</title>
<style>body{font-family:sans-serif;margin:24px}table{border-collapse:collapse;width:100%;margin-bottom:32px}td,th{border:1px solid #ddd;padding:6px;font-size:13px;text-align:left;vertical-align:top}form{margin:12px 0 24px}</style></head>
<body><h1>订阅消息记录（本地运行时）</h1><p>本地不会真正发送微信消息；以下是将会发送给谁的内容。每次发送消耗客户的一次订阅；没有订阅的客户不会收到消息（任务结果为“无订阅额度”）。</p>
<h2>订阅次数（${consents.length}）</h2>${grantForm}<table><tr><th>openid</th><th>模板</th><th>剩余次数</th></tr>${consentRows || '<tr><td colspan="3">暂无</td></tr>'}</table>
<h2>已发送（${sent.length}）</h2><table><tr><th>时间</th><th>接收人 openid</th><th>模板</th><th>页面</th><th>内容</th></tr>${sentRows || '<tr><td colspan="5">暂无</td></tr>'}</table>
<h2>消息任务（${jobs.length}）</h2><table><tr><th>创建时间</th><th>订单号</th><th>订单状态</th><th>任务状态</th><th>尝试次数</th><th>结果</th><th>各接收人</th><th>下次尝试</th></tr>${jobRows || '<tr><td colspan="8">暂无</td></tr>'}</table>
</body></html>`;
}
