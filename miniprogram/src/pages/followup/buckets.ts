/** How the 跟单 rows say when an order is due. */
export function dueText(daysToDue: number | null): string {
  if (daysToDue === null) return '未定交期';
  if (daysToDue < 0) return `逾期${-daysToDue}天`;
  if (daysToDue === 0) return '今天到期';
  return `${daysToDue}天后到期`;
}
