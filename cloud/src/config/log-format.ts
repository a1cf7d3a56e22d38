/** Production log lines for the collector (config.default.ts may only export its default). */
/** One log record as a JSON line: time, level, pid, message and, inside a request, method and path. */
export function jsonLine(info: {
  timestamp: number;
  LEVEL: string;
  pid: number;
  message: string;
  ctx?: { method?: string; path?: string; ip?: string };
}): string {
  const ctx = info.ctx;
  return JSON.stringify({
    time: new Date(info.timestamp).toISOString(),
    level: info.LEVEL.toLowerCase(),
    pid: info.pid,
    msg: info.message,
    ...(ctx?.method ? { method: ctx.method, path: ctx.path, ip: ctx.ip } : {}),
  });
}
