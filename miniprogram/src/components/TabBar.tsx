import Taro from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import { useCartLines, useMe } from '@/store/hooks';
import { tabsFor, type TabKey } from './tabs';
import './TabBar.scss';
import catalogIcon from '@/assets/tab/catalog.png';
import catalogActive from '@/assets/tab/catalog-active.png';
import cartIcon from '@/assets/tab/cart.png';
import cartActive from '@/assets/tab/cart-active.png';
import ordersIcon from '@/assets/tab/orders.png';
import ordersActive from '@/assets/tab/orders-active.png';
import followupIcon from '@/assets/tab/followup.png';
import followupActive from '@/assets/tab/followup-active.png';
import meIcon from '@/assets/tab/me.png';
import meActive from '@/assets/tab/me-active.png';

const ICONS: Record<TabKey, [string, string]> = {
  catalog: [catalogIcon, catalogActive],
  cart: [cartIcon, cartActive],
  orders: [ordersIcon, ordersActive],
  followup: [followupIcon, followupActive],
  me: [meIcon, meActive],
};

export default function TabBar({ current }: { current: TabKey | null }) {
  const me = useMe();
  const lines = useCartLines();
  const tabs = tabsFor(me);
  return (
    <View className='tab-bar' data-testid='tab-bar'>
      {tabs.map((t) => {
        const active = t.key === current;
        return (
          <View
            key={t.key}
            className={`tab-bar__item ${active ? 'tab-bar__item--active' : ''}`}
            data-tab={t.key}
            onClick={() => {
              if (!active) void Taro.switchTab({ url: `/${t.pagePath}` });
            }}
          >
            <Image className='tab-bar__icon' src={ICONS[t.key][active ? 1 : 0]} />
            <Text className='tab-bar__text'>{t.text}</Text>
            {t.key === 'cart' && lines.length > 0 ? <Text className='tab-bar__badge'>{lines.length}</Text> : null}
          </View>
        );
      })}
    </View>
  );
}

/** Rendered by each tab page; only H5 needs it (weapp uses custom-tab-bar). */
export function H5TabBar({ current }: { current: TabKey }) {
  if (process.env.TARO_ENV !== 'h5') return null;
  return <TabBar current={current} />;
}
