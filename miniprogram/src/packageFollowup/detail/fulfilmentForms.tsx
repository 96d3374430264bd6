/** 发货 (one delivery of 分批发货) and 改单 forms of the follow detail page. */
import { Button, Input, Picker, Text, View } from '@tarojs/components';
import { useEffect, useRef, useState } from 'react';
import type { FollowDetail } from '@dinghuo/shared/followupApi';
import type { CatalogItem, Quote } from '@dinghuo/shared/api';
import { changeFormLines, firstCount, type ChangeUnit } from '@dinghuo/shared/changeLines';
import { formatFen } from '@dinghuo/shared/fen';
import { call } from '@/api/client';
import { businessDateAfter } from '@/utils/format';

type Run = (work: () => Promise<FollowDetail>, done?: string) => Promise<boolean>;

/** Base units still to ship per SKU (the order's lines minus its deliveries). */
function unshipped(d: FollowDetail): { skuId: string; name: string; spec: string; baseUnit: string; left: number }[] {
  const shipped = new Map<string, number>();
  for (const s of d.shipments ?? []) for (const l of s.lines) shipped.set(l.skuId, (shipped.get(l.skuId) ?? 0) + l.qty);
  const out = new Map<string, { skuId: string; name: string; spec: string; baseUnit: string; left: number }>();
  for (const l of d.lines) {
    const row = out.get(l.skuId) ?? { skuId: l.skuId, name: l.name, spec: l.spec, baseUnit: l.baseUnit, left: -(shipped.get(l.skuId) ?? 0) };
    row.left += l.qty;
    out.set(l.skuId, row);
  }
  return [...out.values()].filter((r) => r.left > 0);
}

const toInt = (v: string) => (/^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN);

export function ShipForm({ detail, busy, run, onCancel }: { detail: FollowDetail; busy: boolean; run: Run; onCancel: () => void }) {
  const rows = unshipped(detail);
  const [qty, setQty] = useState<Record<string, string>>(() => Object.fromEntries(rows.map((r) => [r.skuId, String(r.left)])));
  const [carrier, setCarrier] = useState('');
  const [trackingNo, setTrackingNo] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const submit = () => {
    const lines = rows.map((r) => ({ skuId: r.skuId, qty: toInt(qty[r.skuId] ?? '0') })).filter((l) => l.qty !== 0);
    if (lines.some((l) => Number.isNaN(l.qty))) return setError('数量请填写整数');
    if (lines.length === 0) return setError('请至少发一种商品');
    if (!carrier.trim() || !trackingNo.trim()) return setError('请填写物流公司和物流单号');
    setError('');
    void run(
      () => call('followup', 'ship', { orderId: detail._id, lines, carrier: carrier.trim(), trackingNo: trackingNo.trim(), note: note.trim() }),
      '已发货',
    );
  };
  return (
    <View className='card' data-testid='ship-form'>
      <View className='section-title'>发货（可分批）</View>
      {rows.map((r) => (
        <View key={r.skuId} className='fd-field row row--between'>
          <Text>
            {r.name} {r.spec}（未发 {r.left}
            {r.baseUnit}）
          </Text>
          <Input className='fd-qty' type='number' data-testid='ship-qty' data-sku={r.skuId} value={qty[r.skuId]} onInput={(e) => setQty((q) => ({ ...q, [r.skuId]: String(e.detail.value) }))} />
        </View>
      ))}
      <Input className='fd-input' data-testid='ship-carrier' placeholder='物流公司（如 顺丰）' maxlength={20} value={carrier} onInput={(e) => setCarrier(String(e.detail.value))} />
      <Input className='fd-input' data-testid='ship-tracking' placeholder='物流单号' maxlength={40} value={trackingNo} onInput={(e) => setTrackingNo(String(e.detail.value))} />
      <Input className='fd-input' placeholder='备注（选填）' maxlength={100} value={note} onInput={(e) => setNote(String(e.detail.value))} />
      {error ? <Text className='error-text'>{error}</Text> : null}
      <View className='row fd-row-buttons'>
        <Button className='fd-button' size='mini' onClick={onCancel}>
          取消
        </Button>
        <Button className='btn-primary fd-button' size='mini' disabled={busy} data-testid='ship-submit' onClick={submit}>
          确认发货
        </Button>
      </View>
    </View>
  );
}

/** A SKU added to the order in the 改单 form, with the customer's price from the server. */
interface AddedLine {
  item: CatalogItem;
  unit: ChangeUnit;
  count: string;
}

/**
 * 改单: counts per line (0 removes the line), lines added from the customer's catalog (searched by
 * name or code, at the customer's own prices, computed by the server), the 交期, and why; the new
 * total is quoted by the server as the form changes, and the server reprices on save.
 */
export function ChangeForm({ detail, busy, run, onCancel }: { detail: FollowDetail; busy: boolean; run: Run; onCancel: () => void }) {
  const key = (l: { skuId: string; unit: string }) => `${l.skuId}|${l.unit}`;
  const [counts, setCounts] = useState<Record<string, string>>(() => Object.fromEntries(detail.lines.map((l) => [key(l), String(l.count)])));
  const [added, setAdded] = useState<AddedLine[]>([]);
  const [keyword, setKeyword] = useState('');
  const [found, setFound] = useState<CatalogItem[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [quote, setQuote] = useState<Quote | null>(null);
  const [dueDate, setDueDate] = useState(detail.dueDate ?? '');
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const quoteSeq = useRef(0);

  const drafts = () =>
    changeFormLines(
      detail.lines.map((l) => ({ skuId: l.skuId, unit: l.unit, count: counts[key(l)] ?? '0' })),
      added.map((a) => ({ skuId: a.item.skuId, unit: a.unit, count: a.count })),
    );

  // The new total at the customer's prices, quoted by the server (after a short pause).
  const draftKey = JSON.stringify(drafts());
  useEffect(() => {
    const r = JSON.parse(draftKey) as ReturnType<typeof changeFormLines>;
    const mine = ++quoteSeq.current;
    if (!r.ok) return setQuote(null);
    const t = setTimeout(() => {
      call('followup', 'quoteFor', { customerId: detail.customerId, lines: r.lines })
        .then((q) => mine === quoteSeq.current && setQuote(q))
        .catch(() => mine === quoteSeq.current && setQuote(null));
    }, 300);
    return () => clearTimeout(t);
  }, [draftKey, detail.customerId]);

  const search = () => {
    const k = keyword.trim();
    if (!k || searching) return;
    setSearching(true);
    call('followup', 'catalogFor', { customerId: detail.customerId, keyword: k, page: 1, pageSize: 10 })
      .then((p) => setFound(p.items))
      .catch(() => setFound([]))
      .finally(() => setSearching(false));
  };
  const add = (item: CatalogItem) => {
    const unit: ChangeUnit = item.unitOptions.includes('case') && item.caseOnly ? 'case' : item.unitOptions.includes('piece') ? 'piece' : 'case';
    setAdded((a) => (a.some((x) => x.item.skuId === item.skuId && x.unit === unit) ? a : [...a, { item, unit, count: String(firstCount(item, unit)) }]));
    setFound(null);
    setKeyword('');
  };

  const submit = () => {
    const r = drafts();
    if (!r.ok) return setError(r.message);
    if (!reason.trim()) return setError('请填写改单原因');
    setError('');
    void run(
      () =>
        call('followup', 'changeOrder', {
          orderId: detail._id,
          lines: r.lines,
          ...(dueDate && dueDate !== detail.dueDate ? { dueDate } : {}),
          reason: reason.trim(),
        }),
      '已改单',
    );
  };
  const lineError = (skuId: string, unit: string) => quote?.lines.find((q) => q.skuId === skuId && q.unit === unit)?.error?.message;
  return (
    <View className='card' data-testid='change-form'>
      <View className='section-title'>改单</View>
      <Text className='muted fd-block'>数量填 0 即删除该行；可搜索商品加行。保存后按客户当前价格重新计价，并通知客户。</Text>
      {detail.lines.map((l) => (
        <View key={key(l)} className='fd-field row row--between'>
          <Text>
            {l.name} {l.spec}（{l.unit === 'case' ? l.caseUnit : l.baseUnit}）
          </Text>
          <Input className='fd-qty' type='number' data-testid='change-count' data-sku={l.skuId} value={counts[key(l)]} onInput={(e) => setCounts((c) => ({ ...c, [key(l)]: String(e.detail.value) }))} />
        </View>
      ))}
      {added.map((a, i) => (
        <View key={key({ skuId: a.item.skuId, unit: a.unit })} className='fd-block' data-testid='change-added' data-sku={a.item.skuId}>
          <View className='fd-field row row--between'>
            <Text>
              新增：{a.item.name} {a.item.spec}
            </Text>
            <Input className='fd-qty' type='number' data-testid='change-added-count' value={a.count} onInput={(e) => setAdded((all) => all.map((x, j) => (j === i ? { ...x, count: String(e.detail.value) } : x)))} />
          </View>
          <View className='row row--between'>
            <View className='row'>
              {a.item.unitOptions.map((u) => (
                <Text key={u} className={`chip ${u === a.unit ? 'chip--on' : ''}`} onClick={() => setAdded((all) => all.map((x, j) => (j === i ? { ...x, unit: u, count: String(firstCount(x.item, u)) } : x)))}>
                  {u === 'case' ? `${a.item.caseUnit}(${a.item.caseSize}${a.item.baseUnit})` : a.item.baseUnit}
                </Text>
              ))}
            </View>
            <Text className='muted' onClick={() => setAdded((all) => all.filter((_, j) => j !== i))}>
              移除
            </Text>
          </View>
          {lineError(a.item.skuId, a.unit) ? <Text className='error-text'>{lineError(a.item.skuId, a.unit)}</Text> : null}
        </View>
      ))}
      <View className='fd-field row row--between'>
        <Input className='fd-input' data-testid='change-search' placeholder='搜索商品名称或编码加行' maxlength={40} value={keyword} onInput={(e) => setKeyword(String(e.detail.value))} onConfirm={search} />
        <Button className='fd-button' size='mini' disabled={searching} data-testid='change-search-submit' onClick={search}>
          搜索
        </Button>
      </View>
      {found !== null ? (
        <View className='fd-block' data-testid='change-found'>
          {found.length === 0 ? <Text className='muted'>没有找到该客户可订的商品</Text> : null}
          {found.map((item) => (
            <View key={item.skuId} className='fd-field row row--between' data-testid='change-found-item' data-sku={item.skuId}>
              <Text>
                {item.name} {item.spec} · {formatFen(item.unitPriceFen)}/{item.baseUnit}
                {item.casePriceFen !== null ? ` · ${formatFen(item.casePriceFen)}/${item.caseUnit}` : ''} · 库存 {item.available}
              </Text>
              <Text className='chip' data-testid='change-add' onClick={() => add(item)}>
                加入
              </Text>
            </View>
          ))}
        </View>
      ) : null}
      {quote ? (
        <Text className='fd-block' data-testid='change-total'>
          改单后合计 {formatFen(quote.totalFen)}（原 {formatFen(detail.totalFen)}）
        </Text>
      ) : null}
      {detail.status !== 'submitted' ? (
        <Picker mode='date' value={dueDate || businessDateAfter(0)} start={businessDateAfter(0)} onChange={(e) => setDueDate(String(e.detail.value))}>
          <View className='fd-field row row--between' data-testid='change-due'>
            <Text>交期</Text>
            <Text className='fd-field__value'>{dueDate || '未定'} ›</Text>
          </View>
        </Picker>
      ) : null}
      <Input className='fd-input' data-testid='change-reason' placeholder='改单原因（必填，客户可见）' maxlength={100} value={reason} onInput={(e) => setReason(String(e.detail.value))} />
      {error ? <Text className='error-text'>{error}</Text> : null}
      <View className='row fd-row-buttons'>
        <Button className='fd-button' size='mini' onClick={onCancel}>
          取消
        </Button>
        <Button className='btn-primary fd-button' size='mini' disabled={busy} data-testid='change-submit' onClick={submit}>
          保存改单
        </Button>
      </View>
    </View>
  );
}
