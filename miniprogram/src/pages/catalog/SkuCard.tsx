import Taro from '@tarojs/taro';
import { Button, Image, Text, View } from '@tarojs/components';
import { memo, useState } from 'react';
import type { CatalogItem } from '@dinghuo/shared/api';
import type { OrderUnit } from '@dinghuo/shared/catalog';
import { formatFen } from '@dinghuo/shared/fen';
import { cart } from '@/store/cart';
import Stepper from '@/components/Stepper';

/** A suggested first count for a unit: enough to reach the MOQ (the server checks it anyway). */
export function suggestedCount(item: Pick<CatalogItem, 'moq' | 'caseSize'>, unit: OrderUnit): number {
  const moq = Math.max(1, item.moq);
  return unit === 'case' ? Math.max(1, Math.ceil(moq / Math.max(1, item.caseSize))) : moq;
}

function SkuCard({ item }: { item: CatalogItem }) {
  const firstUnit: OrderUnit = item.unitOptions.includes('piece') ? 'piece' : 'case';
  const [unit, setUnit] = useState<OrderUnit>(firstUnit);
  const [count, setCount] = useState(() => suggestedCount(item, firstUnit));
  const unitName = (u: OrderUnit) => (u === 'case' ? item.caseUnit : item.baseUnit);

  return (
    <View className='sku card' data-testid='sku' data-sku={item.skuId}>
      <View className='sku__top'>
        {item.imageUrl ? <Image className='sku__image' src={item.imageUrl} mode='aspectFill' lazyLoad data-testid='sku-image' /> : null}
        <View className='sku__main'>
          <View className='sku__head'>
            <Text className='sku__name'>{item.name}</Text>
            {item.spec ? <Text className='muted sku__spec'>{item.spec}</Text> : null}
          </View>
          <View className='sku__prices'>
            <Text className='price' data-testid='unit-price'>
              {formatFen(item.unitPriceFen)}/{item.baseUnit}
            </Text>
            {item.casePriceFen !== null ? (
              <Text className='muted sku__case-price' data-testid='case-price'>
                {formatFen(item.casePriceFen)}/{item.caseUnit}（{item.caseSize}
                {item.baseUnit}）
              </Text>
            ) : null}
          </View>
        </View>
      </View>
      {item.breaks.length > 0 ? (
        <View className='sku__breaks' data-testid='breaks'>
          {item.breaks.map((b) => (
            <Text key={b.minQty} className='sku__break'>
              满{b.minQty}
              {item.baseUnit} {formatFen(b.priceFen)}/{item.baseUnit}
            </Text>
          ))}
        </View>
      ) : null}
      <View className='sku__meta'>
        {item.inStock ? (
          <Text className='muted' data-testid='stock'>
            库存 {item.available}
            {item.baseUnit}
          </Text>
        ) : (
          <Text className='sku__oos' data-testid='stock'>
            缺货
          </Text>
        )}
        {item.moq > 1 ? (
          <Text className='muted'>
            起订 {item.moq}
            {item.baseUnit}
          </Text>
        ) : null}
        {item.caseOnly ? <Text className='muted'>仅整{item.caseUnit}</Text> : null}
        {!item.inStock || (unit === 'case' ? count * item.caseSize : count) > item.available ? (
          <Text
            className='chip'
            data-testid='backorder-link'
            onClick={() =>
              void Taro.navigateTo({
                url: `/packageSupply/sku/index?skuId=${encodeURIComponent(item.skuId)}&name=${encodeURIComponent(item.name)}&u=${unit}&unit=${encodeURIComponent(unitName(unit))}&count=${count}`,
              })
            }
          >
            缺货登记/样品
          </Text>
        ) : null}
      </View>
      <View className='sku__actions'>
        <View className='sku__units'>
          {item.unitOptions.map((u) => (
            <Text
              key={u}
              className={`chip ${u === unit ? 'chip--on' : ''}`}
              data-unit={u}
              onClick={() => {
                setUnit(u);
                setCount(suggestedCount(item, u));
              }}
            >
              {unitName(u)}
            </Text>
          ))}
        </View>
        <Stepper value={count} onChange={setCount} />
        <Button
          className='btn-primary sku__add'
          size='mini'
          disabled={!item.inStock || undefined}
          data-testid='add-to-cart'
          onClick={() => {
            cart.add(item.skuId, unit, count);
            void Taro.showToast({ title: '已加入购物车', icon: 'success', duration: 1000 });
          }}
        >
          {item.inStock ? '加入购物车' : '缺货'}
        </Button>
      </View>
    </View>
  );
}

export default memo(SkuCard);
