import { Button, Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import { messageOf } from '@/api/errors';
import './StateView.scss';

/** Loading, error and empty states, the same on every page. Errors show only Chinese messages. */
export function Loading({ text = '加载中…' }: { text?: string }) {
  return (
    <View className='state state--loading' data-testid='state-loading'>
      <Text className='state__text'>{text}</Text>
    </View>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <View className='state state--error' data-testid='state-error'>
      <Text className='state__text'>{messageOf(error)}</Text>
      {onRetry ? (
        <Button className='state__button' size='mini' onClick={onRetry}>
          重试
        </Button>
      ) : null}
    </View>
  );
}

export function Empty({ text, action }: { text: string; action?: ReactNode }) {
  return (
    <View className='state state--empty' data-testid='state-empty'>
      <Text className='state__text'>{text}</Text>
      {action}
    </View>
  );
}
