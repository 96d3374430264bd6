import { Input, Text, View } from '@tarojs/components';
import './Stepper.scss';

/** − count + with a typed input; never below `min`. */
export default function Stepper({ value, min = 1, onChange, testId }: { value: number; min?: number; onChange: (v: number) => void; testId?: string }) {
  return (
    <View className='stepper' data-testid={testId}>
      <Text className={`stepper__btn ${value <= min ? 'stepper__btn--off' : ''}`} data-action='dec' onClick={() => value > min && onChange(value - 1)}>
        −
      </Text>
      <Input
        className='stepper__input'
        type='number'
        value={String(value)}
        onBlur={(e) => {
          const n = parseInt(String(e.detail.value), 10);
          onChange(Number.isFinite(n) && n >= min ? n : min);
        }}
      />
      <Text className='stepper__btn' data-action='inc' onClick={() => onChange(value + 1)}>
        +
      </Text>
    </View>
  );
}
