/**
 * Placeholder of the staff-only 跟单 tab. The 跟单 pages themselves (another engineer) go in the
 * packageFollowup subpackage; this tab page stays small and links into it.
 */
import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { isStaff, loadMe } from '@/store/session';
import { useMe } from '@/store/hooks';
import { ErrorState, Loading } from '@/components/StateView';
import { H5TabBar } from '@/components/TabBar';

export default function FollowupPage() {
  const me = useMe();
  const [error, setError] = useState<unknown>(null);
  const check = () => {
    setError(null);
    loadMe().catch(setError);
  };
  useDidShow(check);

  let body;
  if (!me && error) body = <ErrorState error={error} onRetry={check} />;
  else if (!me) body = <Loading />;
  else if (!isStaff(me))
    body = (
      <View className='state' data-testid='followup-denied'>
        <Text className='state__text'>跟单工作台仅限员工使用</Text>
      </View>
    );
  else
    body = (
      <View className='card' data-testid='followup-home'>
        <View className='section-title'>跟单工作台</View>
        <Text className='muted'>{me.staff?.name ?? me.name}，今日待办将显示在这里。</Text>
      </View>
    );
  return (
    <View className='page page--tab'>
      {body}
      <H5TabBar current='followup' />
    </View>
  );
}
