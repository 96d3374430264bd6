/**
 * The link from a short cart line (cart page, or a submit refused for stock) to the 缺货登记 page,
 * which registers the back-order; `from=cart` makes that page drop the line from the cart after.
 */
import Taro from '@tarojs/taro';
import type { BackOrderOffer } from '@dinghuo/shared/backOrderOffer';

export function openBackOrder(offer: BackOrderOffer, names: { name: string; baseUnit: string; caseUnit: string }): void {
  const unitName = offer.unit === 'case' ? names.caseUnit : names.baseUnit;
  void Taro.navigateTo({
    url:
      `/packageSupply/sku/index?skuId=${encodeURIComponent(offer.skuId)}&name=${encodeURIComponent(names.name)}` +
      `&u=${offer.unit}&unit=${encodeURIComponent(unitName)}&count=${offer.count}&available=${offer.available}&from=cart`,
  });
}
