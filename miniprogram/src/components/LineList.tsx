import { Text, View } from '@tarojs/components';
import { formatFen } from '@dinghuo/shared/fen';
import { formatCount } from '@/utils/format';

/** What the app shows of an order or cart line, whichever side it comes from. */
export interface LineLike {
  skuId: string;
  unit: 'piece' | 'case';
  count: number;
  name: string;
  spec: string;
  baseUnit: string;
  caseUnit: string;
  caseSize: number;
  unitPriceFen: number;
  amountFen: number;
  error?: { message: string } | null;
}

/** The lines of an order (detail, 跟单 detail) or of a quote (checkout), one card row each. */
export function LineList({ lines, itemClassName }: { lines: readonly LineLike[]; itemClassName: string }) {
  return (
    <>
      {lines.map((l) => (
        <View key={`${l.skuId}|${l.unit}`} className={itemClassName}>
          <View className='row row--between'>
            <Text>{l.name}</Text>
            <Text>{formatFen(l.amountFen)}</Text>
          </View>
          <Text className='muted'>
            {l.spec} {formatCount(l.count, l.unit, l)} × {formatFen(l.unitPriceFen)}/{l.baseUnit}
          </Text>
          {l.error ? <Text className='error-text'>{l.error.message}</Text> : null}
        </View>
      ))}
    </>
  );
}
