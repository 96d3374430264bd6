import Taro, { useDidShow } from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { Me } from '@dinghuo/shared/api';
import { formatFen } from '@dinghuo/shared/fen';
import { call } from '@/api/client';
import { codeOf, messageOf } from '@/api/errors';
import { getLocalToken, setLocalToken } from '@/api/token';
import { listLocalIdentities, localSignIn, type LocalIdentity } from '@/api/localAuth';
import { cart } from '@/store/cart';
import { isStaff, isUnbound, loadMe, setMe } from '@/store/session';
import { useMe } from '@/store/hooks';
import { ErrorState, Loading } from '@/components/StateView';
import { H5TabBar } from '@/components/TabBar';
import './index.scss';

const ROLE_LABELS: Record<string, string> = { customer: '客户', merchandiser: '跟单员', admin: '管理员' };

function goHome(me: Me) {
  void Taro.switchTab({ url: isStaff(me) ? '/pages/followup/index' : '/pages/catalog/index' });
}

/** H5 local mode: pick a demo identity of the local runtime. Not in the weapp build. */
function LocalSignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [ids, setIds] = useState<LocalIdentity[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState('');
  const load = () => {
    setError(null);
    listLocalIdentities().then(setIds).catch(setError);
  };
  useDidShow(load);
  if (error && !ids) return <ErrorState error={error} onRetry={load} />;
  if (!ids) return <Loading />;
  return (
    <View data-testid='identity-picker'>
      <View className='card'>
        <View className='section-title'>选择演示身份</View>
        <Text className='muted'>本地演示模式：选择一个身份登录（微信小程序中使用微信登录）</Text>
      </View>
      {ids.map((id) => (
        <View
          key={id.openid}
          className='card identity'
          data-testid='identity'
          data-openid={id.openid}
          onClick={() => {
            if (busy) return;
            setBusy(id.openid);
            setError(null);
            localSignIn(id.openid)
              .then((token) => {
                setLocalToken(token);
                cart.clear();
                setMe(null);
                onSignedIn();
              })
              .catch(setError)
              .finally(() => setBusy(''));
          }}
        >
          <View className='row row--between'>
            <Text className='identity__label'>{id.label}</Text>
            <Text className='muted'>{id.role ? ROLE_LABELS[id.role] : '未绑定'}</Text>
          </View>
          <Text className='muted'>{busy === id.openid ? '登录中…' : id.description}</Text>
        </View>
      ))}
      {error ? <Text className='error-text identity__error'>{messageOf(error)}</Text> : null}
    </View>
  );
}

/** An unbound WeChat user binds to a customer account with the supplier's invitation code. */
function BindScreen() {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = () => {
    const c = code.trim();
    if (busy) return;
    if (c.length < 4) {
      setError(new Error('short'));
      return;
    }
    setBusy(true);
    setError(null);
    call('auth', 'bind', { invitationCode: c })
      .then((me) => {
        setMe(me);
        void Taro.showToast({ title: '绑定成功', icon: 'success' });
        goHome(me);
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return (
    <View className='card bind' data-testid='bind-screen'>
      <View className='section-title'>绑定客户账号</View>
      <Text className='muted'>请输入供应商提供的邀请码，绑定后即可查看您的专属价格并下单。</Text>
      <Input
        className='bind__input'
        placeholder='邀请码'
        value={code}
        maxlength={32}
        data-testid='invitation-code'
        onInput={(e) => setCode(String(e.detail.value))}
        onConfirm={submit}
      />
      {error ? (
        <Text className='error-text' data-testid='bind-error'>
          {error instanceof Error && error.message === 'short' ? '请输入完整的邀请码' : messageOf(error)}
        </Text>
      ) : null}
      <Button className='btn-primary bind__button' disabled={busy || undefined} loading={busy} data-testid='bind-submit' onClick={submit}>
        绑定
      </Button>
    </View>
  );
}

function Profile({ me }: { me: Me }) {
  const c = me.customer;
  return (
    <View data-testid='profile'>
      <View className='card'>
        <View className='section-title' data-testid='me-name'>
          {c?.name ?? me.staff?.name ?? me.name}
        </View>
        <Text className='muted'>{me.role ? ROLE_LABELS[me.role] : ''}</Text>
        {c ? (
          <View className='profile__rows'>
            <View className='row row--between'>
              <Text className='muted'>客户编号</Text>
              <Text>{c.code}</Text>
            </View>
            <View className='row row--between'>
              <Text className='muted'>客户等级</Text>
              <Text data-testid='me-level'>{c.levelName}</Text>
            </View>
            <View className='row row--between'>
              <Text className='muted'>信用额度</Text>
              <Text>{c.creditLimitFen === null ? '不限' : formatFen(c.creditLimitFen)}</Text>
            </View>
            <View className='row row--between'>
              <Text className='muted'>未结金额</Text>
              <Text>{formatFen(c.outstandingFen)}</Text>
            </View>
          </View>
        ) : null}
      </View>
      {c ? (
        <View className='card'>
          <View className='section-title'>收货地址</View>
          {c.addresses.length === 0 ? <Text className='muted'>暂无收货地址，请联系跟单员添加</Text> : null}
          {c.addresses.map((a) => (
            <View key={a.id} className='profile__address'>
              <Text>
                {a.contact} {a.phone} {a.isDefault ? '（默认）' : ''}
              </Text>
              <Text className='muted'>{a.address}</Text>
            </View>
          ))}
        </View>
      ) : null}
      <View className='card'>
        <Button data-testid='open-statement' onClick={() => void Taro.navigateTo({ url: '/packageReport/statement/index' })}>
          对账单
        </Button>
        <Button data-testid='open-samples' onClick={() => void Taro.navigateTo({ url: '/packageSupply/samples/index' })}>
          样品单
        </Button>
        <Button data-testid='open-backorders' onClick={() => void Taro.navigateTo({ url: '/packageSupply/backorders/index' })}>
          缺货登记
        </Button>
      </View>
      {isStaff(me) ? (
        <View className='card'>
          <Button className='btn-primary' onClick={() => void Taro.switchTab({ url: '/pages/followup/index' })}>
            进入跟单工作台
          </Button>
          <Button data-testid='open-receipts-report' onClick={() => void Taro.navigateTo({ url: '/packageReport/receipts/index' })}>
            货款回笼与提成
          </Button>
        </View>
      ) : null}
    </View>
  );
}

export default function MePage() {
  const me = useMe();
  const [error, setError] = useState<unknown>(null);
  const [needSignIn, setNeedSignIn] = useState(() => process.env.TARO_ENV === 'h5' && !getLocalToken());

  const check = () => {
    if (process.env.TARO_ENV === 'h5' && !getLocalToken()) {
      setNeedSignIn(true);
      return;
    }
    setError(null);
    loadMe().catch((e: unknown) => {
      if (process.env.TARO_ENV === 'h5' && codeOf(e) === 'UNAUTHENTICATED') {
        setLocalToken('');
        setNeedSignIn(true);
      } else setError(e);
    });
  };
  useDidShow(check);

  let body;
  if (process.env.TARO_ENV === 'h5' && needSignIn)
    body = (
      <LocalSignIn
        onSignedIn={() => {
          setNeedSignIn(false);
          loadMe(true)
            .then((m) => {
              if (!isUnbound(m)) goHome(m);
            })
            .catch(setError);
        }}
      />
    );
  else if (!me && error) body = <ErrorState error={error} onRetry={check} />;
  else if (!me) body = <Loading />;
  else if (isUnbound(me)) body = <BindScreen />;
  else body = <Profile me={me} />;

  return (
    <View className='page page--tab me'>
      {body}
      {process.env.TARO_ENV === 'h5' && !needSignIn ? (
        <View className='card'>
          <Button
            data-testid='switch-identity'
            onClick={() => {
              setLocalToken('');
              cart.clear();
              setMe(null);
              setNeedSignIn(true);
            }}
          >
            切换演示身份
          </Button>
        </View>
      ) : null}
      <H5TabBar current='me' />
    </View>
  );
}
