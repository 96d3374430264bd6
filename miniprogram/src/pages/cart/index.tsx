import Taro from '@tarojs/taro';
import { Button, Image, Text, View } from '@tarojs/components';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Quote, QuoteLine } from '@dinghuo/shared/api';
import { formatFen } from '@dinghuo/shared/fen';
import { backOrderOfferFor } from '@dinghuo/shared/backOrderOffer';
import { openBackOrder } from '@/utils/backOrder';
import { call } from '@/api/client';
import { cart, type CartLine } from '@/store/cart';
import { useCartLines } from '@/store/hooks';
import { GateView, useCustomerGate } from '@/components/Gate';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import { H5TabBar } from '@/components/TabBar';
import Stepper from '@/components/Stepper';
import './index.scss';

const goCatalog = () => void Taro.switchTab({ url: '/pages/catalog/index' });

function findLine(quote: Quote | null, l: CartLine): QuoteLine | undefined {
  return quote?.lines.find((q) => q.skuId === l.skuId && q.unit === l.unit);
}

export default function CartPage() {
  const gate = useCustomerGate();
  const ready = gate.state === 'customer';
  const lines = useCartLines();
  const [quote, setQuote] = useState<Quote | null>(null);
  const [quoting, setQuoting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);

  const requote = useCallback(() => {
    const mine = ++seq.current;
    const current = cart.lines();
    if (current.length === 0) {
      setQuote(null);
      setQuoting(false);
      setError(null);
      return;
    }
    setQuoting(true);
    setError(null);
    call('catalog', 'quote', { lines: current })
      .then((q) => {
        if (mine === seq.current) {
          setQuote(q);
          setQuoting(false);
        }
      })
      .catch((e: unknown) => {
        if (mine === seq.current) {
          setError(e);
          setQuoting(false);
        }
      });
  }, []);

  // Reprice whenever the cart changes (after a short pause, so a run of taps makes one request).
  useEffect(() => {
    if (!ready) return;
    const t = setTimeout(requote, 250);
    return () => clearTimeout(t);
  }, [ready, lines, requote]);

  const stale = quoting || !quote || lines.some((l) => !findLine(quote, l));
  const canCheckout = !!quote && quote.valid && !stale && lines.length > 0;

  let body;
  if (!ready) body = <GateView state={gate.state} error={gate.error} retry={gate.retry} />;
  else if (lines.length === 0)
    body = (
      <Empty
        text='购物车是空的'
        action={
          <Button className='btn-primary' size='mini' onClick={goCatalog}>
            去订货
          </Button>
        }
      />
    );
  else if (error && !quote) body = <ErrorState error={error} onRetry={requote} />;
  else if (!quote) body = <Loading text='正在计算价格…' />;
  else
    body = (
      <View>
        <View className='row row--between cart__toolbar'>
          <Text className='muted'>共 {lines.length} 种商品</Text>
          <Text
            className='muted'
            data-testid='clear-cart'
            onClick={() => {
              void Taro.showModal({ title: '清空购物车', content: '确定清空购物车吗？' }).then((r) => r.confirm && cart.clear());
            }}
          >
            清空
          </Text>
        </View>
        {error ? <ErrorState error={error} onRetry={requote} /> : null}
        {lines.map((l) => {
          const q = findLine(quote, l);
          const baseUnit = q?.baseUnit ?? '件';
          const caseUnit = q?.caseUnit ?? '箱';
          const offer = q ? backOrderOfferFor(q) : null;
          return (
            <View key={`${l.skuId}|${l.unit}`} className='card cart-line' data-testid='cart-line' data-sku={l.skuId}>
              <View className='row cart-line__top'>
                {q?.imageUrl ? <Image className='cart-line__image' src={q.imageUrl} mode='aspectFill' lazyLoad data-testid='line-image' /> : null}
                <View className='cart-line__main'>
                  <View className='row row--between'>
                    <Text className='cart-line__name'>{q?.name ?? '…'}</Text>
                    <Text className='muted' data-testid='remove-line' onClick={() => cart.remove(l.skuId, l.unit)}>
                      删除
                    </Text>
                  </View>
                  {q?.spec ? <Text className='muted'>{q.spec}</Text> : null}
                </View>
              </View>
              <View className='row row--between cart-line__controls'>
                <View className='row'>
                  {(['piece', 'case'] as const).map((u) => (
                    <Text key={u} className={`chip ${u === l.unit ? 'chip--on' : ''}`} data-unit={u} onClick={() => cart.setUnit(l.skuId, l.unit, u)}>
                      {u === 'case' ? `${caseUnit}(${q?.caseSize ?? '-'}${baseUnit})` : baseUnit}
                    </Text>
                  ))}
                </View>
                <Stepper value={l.count} onChange={(v) => cart.setCount(l.skuId, l.unit, v)} testId='line-stepper' />
              </View>
              {q ? (
                <View className='row row--between cart-line__money'>
                  <Text className='muted'>
                    {formatFen(q.unitPriceFen)}/{baseUnit} × {q.qty}
                    {baseUnit}
                  </Text>
                  <Text className='price' data-testid='line-amount'>
                    {formatFen(q.amountFen)}
                  </Text>
                </View>
              ) : null}
              {q?.error ? (
                <Text className='error-text' data-testid='line-error'>
                  {q.error.message}
                </Text>
              ) : null}
              {offer && q ? (
                <View className='row row--between'>
                  <Text className='muted'>可先登记缺货，到货后自动为您下单</Text>
                  <Text className='chip' data-testid='cart-backorder' onClick={() => openBackOrder(offer, q)}>
                    缺货登记
                  </Text>
                </View>
              ) : null}
            </View>
          );
        })}
      </View>
    );

  return (
    <View className='page page--tab cart'>
      {body}
      {ready && lines.length > 0 && quote ? (
        <View className='bottom-bar bottom-bar--above-tab'>
          <View>
            <Text>合计 </Text>
            <Text className='price cart__total' data-testid='cart-total'>
              {stale ? '计算中…' : formatFen(quote.totalFen)}
            </Text>
            {!quote.valid && !stale ? <Text className='error-text'> 请先处理标红的商品</Text> : null}
          </View>
          <Button
            className='btn-primary'
            size='mini'
            disabled={!canCheckout || undefined}
            data-testid='checkout'
            onClick={() => void Taro.navigateTo({ url: '/packageOrder/checkout/index' })}
          >
            去结算
          </Button>
        </View>
      ) : null}
      <H5TabBar current='cart' />
    </View>
  );
}
