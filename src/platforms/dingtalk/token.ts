/**
 * A cached access token: fetched once, shared by concurrent callers, refreshed REFRESH_MARGIN_MS
 * before it expires, and dropped when DingTalk rejects it. The docs: a token lives 7200 s, "有效期内
 * 重复获取会返回相同结果并自动续期", cache it and refresh a little early (they suggest 7000 s)
 * (https://open.dingtalk.com/document/development/obtain-the-access-token-of-an-internal-app).
 */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export interface IssuedToken {
  token: string;
  /** Lifetime in seconds as DingTalk reports it (expireIn / expires_in). */
  expiresInSeconds: number;
}

export interface TokenCache {
  get(): Promise<string>;
  /** Forgets `token` if it is still the cached one (a newer one is kept). */
  invalidate(token: string): void;
}

export function createTokenCache(
  fetchToken: () => Promise<IssuedToken>,
  now: () => number = Date.now,
): TokenCache {
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  return {
    async get() {
      if (cached && now() < cached.refreshAt) return cached.token;
      pending ??= fetchToken()
        .then(({ token, expiresInSeconds }) => {
          const lifetime = Math.max(expiresInSeconds * 1000 - REFRESH_MARGIN_MS, 30_000);
          cached = { token, refreshAt: now() + lifetime };
          return token;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}
