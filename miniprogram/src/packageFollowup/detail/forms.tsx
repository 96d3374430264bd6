/** The forms of the follow detail page: review, record a node, log an exception, expedite. */
import { Button, Input, Picker, Text, Textarea, View } from '@tarojs/components';
import { useState } from 'react';
import type { FollowDetail } from '@dinghuo/shared/followupApi';
import type { NodeKey } from '@dinghuo/shared/progress';
import type { ExceptionKind, Severity } from '@dinghuo/shared/exception';
import { EXCEPTION_KINDS, EXCEPTION_KIND_LABELS, NODE_KEYS, NODE_LABELS, SEVERITIES, SEVERITY_LABELS } from '@dinghuo/shared/followupLabels';
import { businessDateAfter } from '@/utils/format';
import { call as apiCall } from '@/api/client';
import type { ActionInput } from '@dinghuo/shared/api';

type Mutating = 'review' | 'advanceNode' | 'logException' | 'resolveException' | 'expedite';
function call<A extends Mutating>(action: A, input: ActionInput<'followup', A>): Promise<FollowDetail> {
  return apiCall('followup', action, input) as Promise<FollowDetail>;
}

type Run = (work: () => Promise<FollowDetail>, done?: string) => Promise<boolean>;

function DateField({ label, value, start, end, onChange, testid }: { label: string; value: string; start?: string; end?: string; onChange: (v: string) => void; testid?: string }) {
  return (
    <Picker mode='date' value={value} start={start} end={end} onChange={(e) => onChange(String(e.detail.value))}>
      <View className='fd-field row row--between' data-testid={testid}>
        <Text>{label}</Text>
        <Text className='fd-field__value'>{value} ›</Text>
      </View>
    </Picker>
  );
}

/** A sub-form's last rows: its error, 取消 and the submit button. */
function FormFooter({ error, busy, testid, label, onCancel, onSubmit }: { error?: string; busy: boolean; testid: string; label: string; onCancel: () => void; onSubmit: () => void }) {
  return (
    <>
      {error ? <Text className='error-text'>{error}</Text> : null}
      <View className='row fd-row-buttons'>
        <Button className='fd-button' size='mini' onClick={onCancel}>
          取消
        </Button>
        <Button className='btn-primary fd-button' size='mini' disabled={busy} data-testid={testid} onClick={onSubmit}>
          {label}
        </Button>
      </View>
    </>
  );
}

const PLANNED_KEYS: NodeKey[] = NODE_KEYS.filter((k) => k !== 'intake' && k !== 'review');

export function ReviewForm({ detail, busy, run }: { detail: FollowDetail; busy: boolean; run: Run }) {
  const plan = detail.suggestedPlan!;
  const [dueDate, setDueDate] = useState(plan.dueDate);
  const [planned, setPlanned] = useState<Partial<Record<NodeKey, string>>>({});
  const [note, setNote] = useState('');
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const today = businessDateAfter(0);
  const shown = (k: NodeKey) => planned[k] ?? (k === 'shipment' && dueDate !== plan.dueDate ? dueDate : plan.planned[k]);

  const confirm = () =>
    void run(
      () =>
        call('review', {
          orderId: detail._id,
          decision: 'confirm',
          ...(dueDate !== plan.dueDate ? { dueDate } : {}),
          ...(Object.keys(planned).length ? { planned } : {}),
          note: note.trim(),
        }),
      '已确认订单',
    );
  const reject = () => {
    if (!reason.trim()) {
      setError('请填写驳回原因');
      return;
    }
    setError('');
    void run(() => call('review', { orderId: detail._id, decision: 'reject', reason: reason.trim() }), '已驳回');
  };

  return (
    <View className='card' data-testid='review-form'>
      <View className='section-title'>审单</View>
      <Text className='muted fd-block'>按商品生产周期（{plan.leadTimeDays}天）给出默认交期和节点计划，可修改。</Text>
      <DateField label='交期' value={dueDate} start={today} onChange={setDueDate} testid='review-due' />
      {PLANNED_KEYS.map((k) => (
        <DateField key={k} label={`${NODE_LABELS[k]}计划`} value={shown(k)} start={today} onChange={(v) => setPlanned((p) => ({ ...p, [k]: v }))} />
      ))}
      <Input className='fd-input' placeholder='审单备注（选填）' maxlength={100} value={note} onInput={(e) => setNote(String(e.detail.value))} />
      <Button className='btn-primary fd-button' disabled={busy} data-testid='review-confirm' onClick={confirm}>
        确认订单
      </Button>
      {rejecting ? (
        <View>
          <Textarea className='fd-textarea' placeholder='驳回原因（必填，客户可见）' maxlength={100} value={reason} onInput={(e) => setReason(String(e.detail.value))} />
          {error ? <Text className='error-text'>{error}</Text> : null}
          <Button className='fd-button fd-button--danger' disabled={busy || undefined} data-testid='review-reject' onClick={reject}>
            确认驳回
          </Button>
        </View>
      ) : (
        <Button className='fd-button fd-button--danger' data-testid='review-reject-open' onClick={() => setRejecting(true)}>
          驳回
        </Button>
      )}
    </View>
  );
}

export function NodeForm({ detail, node, busy, run, onCancel }: { detail: FollowDetail; node: NodeKey; busy: boolean; run: Run; onCancel: () => void }) {
  const today = businessDateAfter(0);
  const [date, setDate] = useState(today);
  const [note, setNote] = useState('');
  const [photoUrl, setPhotoUrl] = useState('');
  const submit = () =>
    void run(
      () =>
        call('advanceNode', {
          orderId: detail._id,
          node,
          actualDate: date === today ? null : date,
          note: note.trim(),
          photoUrl: photoUrl.trim() || null,
        }),
      `${NODE_LABELS[node]}已记录`,
    );
  return (
    <View className='fd-node-form' data-testid='node-form' data-node={node}>
      <DateField label='完成日期' value={date} end={today} onChange={setDate} />
      <Input className='fd-input fd-node-note' placeholder='说明（选填，如快递单号）' maxlength={200} value={note} onInput={(e) => setNote(String(e.detail.value))} />
      <Input className='fd-input' placeholder='照片链接（选填）' maxlength={500} value={photoUrl} onInput={(e) => setPhotoUrl(String(e.detail.value))} />
      <FormFooter busy={busy} testid='node-submit' label='确认完成' onCancel={onCancel} onSubmit={submit} />
    </View>
  );
}

export function ExceptionForm({ detail, busy, run, onCancel }: { detail: FollowDetail; busy: boolean; run: Run; onCancel: () => void }) {
  const [kind, setKind] = useState<ExceptionKind>('material_short');
  const [severity, setSeverity] = useState<Severity>('medium');
  const [description, setDescription] = useState('');
  const [owner, setOwner] = useState('');
  const [error, setError] = useState('');
  const submit = () => {
    if (!description.trim()) {
      setError('请描述异常情况');
      return;
    }
    setError('');
    void run(
      () => call('logException', { orderId: detail._id, kind, severity, description: description.trim(), owner: owner.trim() }),
      '异常已登记',
    );
  };
  return (
    <View className='fd-subform' data-testid='exception-form'>
      <View className='fd-chips'>
        {EXCEPTION_KINDS.map((k) => (
          <Text key={k} className={`chip ${k === kind ? 'chip--on' : ''}`} data-kind={k} onClick={() => setKind(k)}>
            {EXCEPTION_KIND_LABELS[k]}
          </Text>
        ))}
      </View>
      <View className='fd-chips'>
        {SEVERITIES.map((s) => (
          <Text key={s} className={`chip ${s === severity ? 'chip--on' : ''}`} data-severity={s} onClick={() => setSeverity(s)}>
            {SEVERITY_LABELS[s]}
          </Text>
        ))}
      </View>
      <Textarea className='fd-textarea' placeholder='异常描述（必填）' maxlength={200} value={description} onInput={(e) => setDescription(String(e.detail.value))} />
      <Input className='fd-input' placeholder='责任人（选填，默认本人）' maxlength={20} value={owner} onInput={(e) => setOwner(String(e.detail.value))} />
      <FormFooter error={error} busy={busy} testid='exception-submit' label='登记异常' onCancel={onCancel} onSubmit={submit} />
    </View>
  );
}

export function ResolveForm({ exceptionId, busy, run, onCancel }: { exceptionId: string; busy: boolean; run: Run; onCancel: () => void }) {
  const [resolution, setResolution] = useState('');
  const [error, setError] = useState('');
  const submit = () => {
    if (!resolution.trim()) {
      setError('请填写处理结果');
      return;
    }
    void run(() => call('resolveException', { exceptionId, resolution: resolution.trim() }), '异常已处理');
  };
  return (
    <View className='fd-subform' data-testid='resolve-form'>
      <Input className='fd-input' placeholder='处理结果（必填）' maxlength={200} value={resolution} onInput={(e) => setResolution(String(e.detail.value))} />
      <FormFooter error={error} busy={busy} testid='resolve-submit' label='处理完成' onCancel={onCancel} onSubmit={submit} />
    </View>
  );
}

export function ExpediteForm({ detail, busy, run, onCancel }: { detail: FollowDetail; busy: boolean; run: Run; onCancel: () => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const submit = () => {
    if (!note.trim()) {
      setError('请填写催单说明');
      return;
    }
    void run(() => call('expedite', { orderId: detail._id, note: note.trim() }), '已催单');
  };
  return (
    <View className='fd-subform' data-testid='expedite-form'>
      <Input className='fd-input' placeholder='催单说明（如：请车间本周五前完成）' maxlength={100} value={note} onInput={(e) => setNote(String(e.detail.value))} />
      <FormFooter error={error} busy={busy} testid='expedite-submit' label='催单' onCancel={onCancel} onSubmit={submit} />
    </View>
  );
}

