/**
 * Customer pages need a bound customer. This decides what to show before the page itself:
 * loading, sign in (H5 local mode), bind (unbound WeChat user: a clear screen, not an error),
 * staff (customer pages are not for them), or a retryable error.
 */
import Taro, { useDidShow } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import type { Me } from '@dinghuo/shared/api';
import { codeOf } from '@/api/errors';
import { isStaff, isUnbound, loadMe } from '@/store/session';
import { useMe } from '@/store/hooks';
import { ErrorState, Loading } from './StateView';

export type GateState = 'loading' | 'customer' | 'signin' | 'unbound' | 'staff' | 'error';

function stateOf(me: Me | null): GateState {
  if (!me) return 'loading';
  if (isStaff(me)) return 'staff';
  if (isUnbound(me)) return 'unbound';
  return me.customer ? 'customer' : 'unbound';
}

export function useCustomerGate(): { state: GateState; me: Me | null; error: unknown; retry: () => void } {
  const me = useMe();
  const [error, setError] = useState<unknown>(null);
  const [failed, setFailed] = useState<'signin' | 'error' | null>(null);
  const check = useCallback(() => {
    setFailed(null);
    loadMe().catch((e: unknown) => {
      setError(e);
      setFailed(codeOf(e) === 'UNAUTHENTICATED' ? 'signin' : 'error');
    });
  }, []);
  useDidShow(check);
  const state: GateState = me ? stateOf(me) : failed ?? 'loading';
  return { state, me, error, retry: check };
}

const goMe = () => void Taro.switchTab({ url: '/pages/me/index' });

export function GateView({ state, error, retry }: { state: GateState; error: unknown; retry: () => void }) {
  switch (state) {
    case 'loading':
      return <Loading />;
    case 'error':
      return <ErrorState error={error} onRetry={retry} />;
    case 'signin':
      return (
        <View className='state' data-testid='gate-signin'>
          <Text className='state__text'>请先登录</Text>
          <Button className='btn-primary' size='mini' onClick={goMe}>
            去登录
          </Button>
        </View>
      );
    case 'unbound':
      return (
        <View className='state' data-testid='gate-unbound'>
          <Text className='state__text'>您的微信还没有绑定客户账号，绑定后即可按您的价格订货</Text>
          <Button className='btn-primary' size='mini' onClick={goMe}>
            去绑定
          </Button>
        </View>
      );
    case 'staff':
      return (
        <View className='state' data-testid='gate-staff'>
          <Text className='state__text'>员工账号请在跟单工作台处理订单</Text>
          <Button className='btn-primary' size='mini' onClick={() => void Taro.switchTab({ url: '/pages/followup/index' })}>
            去跟单工作台
          </Button>
        </View>
      );
    default:
      return null;
  }
}
