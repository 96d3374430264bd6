import Taro from '@tarojs/taro';

/** H5 local mode only: the bearer token from the local sign-in, kept in Taro storage. */
const TOKEN_KEY = 'dinghuo.localToken';

export function getLocalToken(): string {
  try {
    const t = Taro.getStorageSync(TOKEN_KEY);
    return typeof t === 'string' ? t : '';
  } catch {
    return '';
  }
}

export function setLocalToken(token: string): void {
  if (token) Taro.setStorageSync(TOKEN_KEY, token);
  else Taro.removeStorageSync(TOKEN_KEY);
}
