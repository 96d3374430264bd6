/** The order's deliveries (分批发货): carrier, tracking number, lines, and receipt per delivery. */
import { Button, Text, View } from '@tarojs/components';
import type { Shipment } from '@dinghuo/shared/shipments';
import { formatDateTime } from '@/utils/format';

export function Deliveries({ shipments, busy, onReceive }: { shipments: readonly Shipment[]; busy?: boolean; onReceive?: (no: number) => void }) {
  if (shipments.length === 0) return null;
  return (
    <View className='card' data-testid='deliveries'>
      <View className='section-title'>发货记录（{shipments.length} 批）</View>
      {shipments.map((s) => (
        <View key={s.no} className='delivery' data-testid='delivery' data-no={s.no} data-received={s.receivedAt !== null ? '1' : '0'}>
          <View className='row row--between'>
            <Text>第{s.no}批 · {formatDateTime(s.at)}</Text>
            <Text className='muted'>{s.receivedAt !== null ? '已收货' : '运输中'}</Text>
          </View>
          <Text className='muted delivery__block' data-testid='delivery-tracking'>
            {s.carrier} {s.trackingNo}
          </Text>
          {s.lines.map((l) => (
            <Text key={l.skuId} className='delivery__block'>
              {l.name} {l.spec} × {l.qty}
              {l.baseUnit}
            </Text>
          ))}
          {s.note ? <Text className='muted delivery__block'>{s.note}</Text> : null}
          {s.receivedAt === null && onReceive ? (
            <Button className='btn-primary' size='mini' disabled={busy || undefined} data-testid='delivery-receive' onClick={() => onReceive(s.no)}>
              确认收到本批
            </Button>
          ) : null}
        </View>
      ))}
    </View>
  );
}
