import { Text, View } from '@tarojs/components';
import { timelineLabel, type TimelineEvent, type OrderStatus } from '@dinghuo/shared/labels';
import { formatDateTime } from '@/utils/format';

export interface TimelineItem {
  at: number;
  event: TimelineEvent;
  status?: OrderStatus | undefined;
  note: string;
  by: { name: string };
}

/** An order's timeline, newest first; `block` is the page's BEM block for its styles. */
export function Timeline({ entries, block, titleClassName }: { entries: readonly TimelineItem[]; block: string; titleClassName?: string }) {
  return (
    <>
      {entries.map((t, i) => (
        <View key={`${t.at}-${i}`} className={`${block} ${i === 0 ? `${block}--latest` : ''}`}>
          <Text className={titleClassName}>
            {timelineLabel(t)}
            {t.note ? `：${t.note}` : ''}
          </Text>
          <Text className='muted'>
            {formatDateTime(t.at)} · {t.by.name}
          </Text>
        </View>
      ))}
    </>
  );
}
