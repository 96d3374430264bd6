/** The one error type the app's API client throws; `message` is Chinese and fit for the screen. */
export class ApiError extends Error {
  readonly code: string;
  readonly details?: unknown;

  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }
}

export const NETWORK_ERROR_MESSAGE = '网络异常，请重试';

/** What to show for any thrown value: an ApiError's Chinese message, never raw error text. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError && e.message) return e.message;
  return NETWORK_ERROR_MESSAGE;
}

export function codeOf(e: unknown): string | null {
  return e instanceof ApiError ? e.code : null;
}
