/** One order in a merchandiser's list (the tab page and the subpackage's lists). */
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { FollowItem } from '@dinghuo/shared/followupApi';
import { ORDER_STATUS_LABELS } from '@dinghuo/shared/labels';
import { formatFen } from '@dinghuo/shared/fen';
import { dueText } from './buckets';
import './FollowRow.scss';

export function FollowRow({ item }: { item: FollowItem }) {
  const late = item.daysToDue !== null && item.daysToDue < 0;
  return (
    <View
      className='fu-row'
      data-testid='follow-row'
      data-order={item._id}
      onClick={() => void Taro.navigateTo({ url: `/packageFollowup/detail/index?id=${encodeURIComponent(item._id)}` })}
    >
      <View className='row row--between'>
        <Text className='fu-row__customer'>{item.customerName}</Text>
        <Text className={`fu-row__status status--${item.status}`} data-testid='follow-row-status'>
          {ORDER_STATUS_LABELS[item.status]}
        </Text>
      </View>
      <View className='row row--between'>
        <Text className='muted'>
          {item.orderNo} · {formatFen(item.totalFen)}
        </Text>
        <Text className={`fu-row__due ${late ? 'fu-row__due--late' : ''}`}>
          {item.openExceptions > 0 ? `异常${item.openExceptions} · ` : ''}
          {dueText(item.daysToDue)}
        </Text>
      </View>
    </View>
  );
}
