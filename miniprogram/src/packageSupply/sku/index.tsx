/**
 * From a short SKU in the catalog or cart: the customer opts into a back-order (缺货登记, filled in
 * priority order when stock arrives, as an ordinary order) or asks for a sample (样品单).
 */
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { call } from '@/api/client';
import { messageOf } from '@/api/errors';
import { currentMe, loadMe } from '@/store/session';
import { cart } from '@/store/cart';
import type { Me } from '@dinghuo/shared/api';

export default function SkuSupplyPage() {
  const params = useRouter().params;
  const skuId = decodeURIComponent(params.skuId ?? '');
  const name = decodeURIComponent(params.name ?? '');
  const unitName = decodeURIComponent(params.unit ?? '件');
  const unit = params.u === 'case' ? 'case' : 'piece';
  const [count, setCount] = useState(decodeURIComponent(params.count ?? '1'));
  // From the cart (or a submit refused for stock): the line is taken out of the cart once
  // registered, so the rest of the cart can be ordered now.
  const fromCart = params.from === 'cart';
  const available = params.available !== undefined ? Number(params.available) : null;
  const [sampleQty, setSampleQty] = useState('1');
  const [busy, setBusy] = useState(false);
  const [me, setMe] = useState<Me | null>(currentMe());
  useEffect(() => {
    loadMe().then(setMe).catch(() => undefined);
  }, []);
  const address = me?.customer?.addresses.find((a) => a.isDefault) ?? me?.customer?.addresses[0];

  const fail = (e: unknown) => void Taro.showModal({ title: '提交失败', content: messageOf(e), showCancel: false });
  const backOrder = () => {
    if (busy || !address) return;
    setBusy(true);
    call('supply', 'backOrderCreate', { skuId, unit, count: Number(count) || 0, addressId: address.id })
      .then(() => {
        if (fromCart) cart.remove(skuId, unit);
        return Taro.showModal({
          title: '已登记',
          content: fromCart ? '已从购物车移除该商品，到货后按客户优先级为您补货并自动生成订单。' : '到货后按客户优先级为您补货，自动生成订单。',
          showCancel: false,
        }).then(() => (fromCart ? Taro.switchTab({ url: '/pages/cart/index' }) : Taro.redirectTo({ url: '/packageSupply/backorders/index' })));
      })
      .catch(fail)
      .finally(() => setBusy(false));
  };
  const sample = () => {
    if (busy) return;
    setBusy(true);
    call('supply', 'sampleRequest', { items: [{ skuId, qty: Number(sampleQty) || 0 }], note: '' })
      .then((s) => Taro.redirectTo({ url: `/packageSupply/sample/index?id=${encodeURIComponent(s._id)}` }))
      .catch(fail)
      .finally(() => setBusy(false));
  };

  return (
    <View className='page' data-testid='sku-supply'>
      <View className='card'>
        <Text>{name}</Text>
        <Text className='muted'>缺货登记：库存不足时登记需求，到货后按优先级补货并生成订单（占用库存），可随时取消。</Text>
        {available !== null && Number.isFinite(available) ? (
          <Text className='muted' data-testid='backorder-available'>
            当前可订 {available}，不足部分可登记
          </Text>
        ) : null}
        <View className='row'>
          <Text>数量（{unitName}）</Text>
          <Input type='number' data-testid='backorder-count' value={count} onInput={(e) => setCount(String(e.detail.value))} />
        </View>
        <Button className='btn-primary' data-testid='backorder-submit' disabled={busy || !address} onClick={backOrder}>
          缺货登记
        </Button>
      </View>
      <View className='card'>
        <Text className='muted'>申请样品：跟单员寄样后，您确认批板即可按样品下单。</Text>
        <View className='row'>
          <Text>样品数量（{unitName}）</Text>
          <Input type='number' value={sampleQty} onInput={(e) => setSampleQty(String(e.detail.value))} />
        </View>
        <Button data-testid='sample-request' disabled={busy} onClick={sample}>
          申请样品
        </Button>
      </View>
    </View>
  );
}
