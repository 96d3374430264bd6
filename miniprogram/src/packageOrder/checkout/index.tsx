import Taro from '@tarojs/taro';
import { Button, Picker, Text, Textarea, View } from '@tarojs/components';
import { useEffect, useRef, useState } from 'react';
import type { Me, OrderDetail, Quote } from '@dinghuo/shared/api';
import { ORDER_STATUS_LABELS } from '@dinghuo/shared/labels';
import { formatFen } from '@dinghuo/shared/fen';
import { call } from '@/api/client';
import { codeOf, messageOf } from '@/api/errors';
import { askOrderStatusConsent, prefetchOrderStatusTemplates, type ConsentOutcome } from '@/api/subscribe';
import { cart } from '@/store/cart';
import { backOrderOffersForSubmitError } from '@dinghuo/shared/backOrderOffer';
import { ApiError } from '@/api/errors';
import { openBackOrder } from '@/utils/backOrder';
import { loadMe } from '@/store/session';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import { LineList } from '@/components/LineList';
import { businessDateAfter } from '@/utils/format';
import { newRequestId } from '@/utils/requestId';
import './index.scss';

const CONSENT_TEXT: Record<ConsentOutcome, string> = {
  accepted: '已订阅，订单状态变化时会通过微信通知您',
  rejected: '您未订阅通知，可在订单详情中查看进度',
  unsupported: '可在订单详情中查看进度',
  failed: '暂时无法订阅通知，可在订单详情中查看进度',
};

export default function CheckoutPage() {
  const [me, setMeState] = useState<Me | null>(null);
  const [quote, setQuote] = useState<Quote | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [addressId, setAddressId] = useState('');
  const [requestedDate, setRequestedDate] = useState<string | null>(null);
  const [remark, setRemark] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [order, setOrder] = useState<OrderDetail | null>(null);
  const [templates, setTemplates] = useState<string[]>([]);
  const [consent, setConsent] = useState<ConsentOutcome | null>(null);
  // One id per checkout: a double tap or a retry after a network error sends the same id,
  // so the server places the order once.
  const requestId = useRef(newRequestId());
  const inFlight = useRef(false);

  const load = () => {
    setLoadError(null);
    const lines = cart.lines();
    Promise.all([loadMe(), lines.length > 0 ? call('catalog', 'quote', { lines }) : Promise.resolve(null)])
      .then(([m, q]) => {
        setMeState(m);
        setQuote(q);
        const addrs = m.customer?.addresses ?? [];
        setAddressId((cur) => cur || (addrs.find((a) => a.isDefault) ?? addrs[0])?.id || '');
      })
      .catch(setLoadError);
  };
  useEffect(load, []);

  const submit = () => {
    if (inFlight.current || order) return;
    const lines = cart.lines();
    if (lines.length === 0 || !addressId) return;
    inFlight.current = true;
    setSubmitting(true);
    setSubmitError(null);
    call('order', 'submit', { requestId: requestId.current, lines, addressId, requestedDate, remark: remark.trim() })
      .then((o) => {
        cart.clear();
        setOrder(o);
        void prefetchOrderStatusTemplates().then(setTemplates);
      })
      .catch((e: unknown) => {
        // The server answered: no order was placed, so a corrected cart gets a fresh id.
        // Network failure: the order may exist, so the retry must carry the same id.
        if (codeOf(e) !== 'NETWORK') requestId.current = newRequestId();
        setSubmitError(e);
      })
      .finally(() => {
        inFlight.current = false;
        setSubmitting(false);
      });
  };

  if (order) {
    return (
      <View className='page checkout' data-testid='submit-result'>
        <View className='card checkout__done'>
          <Text className='checkout__done-title'>订单已提交</Text>
          <Text className='muted' data-testid='order-no'>
            订单号 {order.orderNo}
          </Text>
          <Text>
            {ORDER_STATUS_LABELS[order.status]} · <Text className='price'>{formatFen(order.totalFen)}</Text>
          </Text>
        </View>
        {process.env.TARO_ENV === 'weapp' ? (
          <View className='card'>
            {consent ? (
              <Text className='muted' data-testid='consent-result'>
                {CONSENT_TEXT[consent]}
              </Text>
            ) : (
              <Button
                className='btn-primary'
                disabled={(templates.length === 0) || undefined}
                onClick={() => {
                  void askOrderStatusConsent().then(setConsent);
                }}
              >
                订阅订单状态通知
              </Button>
            )}
          </View>
        ) : null}
        <View className='card checkout__actions'>
          <Button
            className='btn-primary'
            data-testid='view-order'
            onClick={() => void Taro.redirectTo({ url: `/packageOrder/detail/index?id=${encodeURIComponent(order._id)}` })}
          >
            查看订单
          </Button>
          <Button onClick={() => void Taro.switchTab({ url: '/pages/catalog/index' })}>继续订货</Button>
        </View>
      </View>
    );
  }

  if (loadError) return <ErrorState error={loadError} onRetry={load} />;
  if (!me) return <Loading />;
  if (!quote || quote.lines.length === 0) return <Empty text='购物车是空的' />;
  const addresses = me.customer?.addresses ?? [];
  const tomorrow = businessDateAfter(1);

  return (
    <View className='page checkout'>
      <View className='card'>
        <View className='section-title'>收货地址</View>
        {addresses.length === 0 ? <Text className='error-text'>没有收货地址，请联系跟单员添加</Text> : null}
        {addresses.map((a) => (
          <View
            key={a.id}
            className={`checkout__address ${a.id === addressId ? 'checkout__address--on' : ''}`}
            data-testid='address'
            onClick={() => setAddressId(a.id)}
          >
            <Text>
              {a.contact} {a.phone}
              {a.isDefault ? '（默认）' : ''}
            </Text>
            <Text className='muted'>{a.address}</Text>
          </View>
        ))}
      </View>
      <View className='card'>
        <View className='row row--between'>
          <Text>期望到货日期</Text>
          <Picker mode='date' value={requestedDate ?? tomorrow} start={tomorrow} onChange={(e) => setRequestedDate(String(e.detail.value))}>
            <Text className={requestedDate ? '' : 'muted'} data-testid='requested-date'>
              {requestedDate ?? '不指定 ›'}
            </Text>
          </Picker>
        </View>
        {requestedDate ? (
          <Text className='muted checkout__clear' onClick={() => setRequestedDate(null)}>
            清除日期
          </Text>
        ) : null}
        <Textarea
          className='checkout__remark'
          placeholder='备注（选填，最多200字）'
          maxlength={200}
          value={remark}
          data-testid='remark'
          onInput={(e) => setRemark(String(e.detail.value))}
        />
      </View>
      <View className='card'>
        <View className='section-title'>商品</View>
        <LineList lines={quote.lines} itemClassName='checkout__line' />
      </View>
      {submitError ? (
        <Text className='error-text checkout__error' data-testid='submit-error'>
          {messageOf(submitError)}
        </Text>
      ) : null}
      {backOrderOffersForSubmitError(submitError instanceof ApiError ? submitError : null, cart.lines()).map((offer) => {
        const q = quote.lines.find((l) => l.skuId === offer.skuId);
        return (
          <View key={`${offer.skuId}|${offer.unit}`} className='row row--between checkout__error'>
            <Text className='muted'>{q?.name ?? ''} 库存不足，可登记缺货，到货后自动下单</Text>
            <Text className='chip' data-testid='checkout-backorder' onClick={() => openBackOrder(offer, { name: q?.name ?? '', baseUnit: q?.baseUnit ?? '件', caseUnit: q?.caseUnit ?? '箱' })}>
              缺货登记
            </Text>
          </View>
        );
      })}
      <View className='bottom-bar checkout__bar'>
        <View>
          <Text>合计 </Text>
          <Text className='price checkout__total' data-testid='checkout-total'>
            {formatFen(quote.totalFen)}
          </Text>
        </View>
        <Button
          className='btn-primary'
          size='mini'
          disabled={(submitting || !quote.valid || !addressId) || undefined}
          loading={submitting}
          data-testid='submit-order'
          onClick={submit}
        >
          {submitting ? '提交中' : '提交订单'}
        </Button>
      </View>
    </View>
  );
}
