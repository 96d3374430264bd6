/**
 * H5 local mode only: the demo identity picker of the local runtime. Every caller branches on
 * `process.env.TARO_ENV === 'h5'`, so none of this reaches the weapp bundle (checked by the
 * weapp test: no "api/local" string in dist/weapp).
 */
import Taro from '@tarojs/taro';
import { ApiError, NETWORK_ERROR_MESSAGE } from './errors';

export interface LocalIdentity {
  openid: string;
  label: string;
  role: 'customer' | 'merchandiser' | 'admin' | null;
  description: string;
}

export async function listLocalIdentities(): Promise<LocalIdentity[]> {
  try {
    const res = await Taro.request<LocalIdentity[]>({ url: '/api/local/identities', method: 'GET' });
    if (res.statusCode === 200 && Array.isArray(res.data)) return res.data;
  } catch {
    // fall through
  }
  throw new ApiError('NETWORK', NETWORK_ERROR_MESSAGE);
}

export async function localSignIn(openid: string): Promise<string> {
  try {
    const res = await Taro.request<{ token?: string }>({
      url: '/api/local/signin',
      method: 'POST',
      header: { 'Content-Type': 'application/json' },
      data: { openid },
    });
    if (res.statusCode === 200 && res.data && typeof res.data.token === 'string') return res.data.token;
  } catch {
    // fall through
  }
  throw new ApiError('NETWORK', '登录失败，请重试');
}
