/**
 * Weather feed for activity suggestions. `WeatherProvider` is the small interface; the HTTP
 * client speaks the Open-Meteo forecast API (`/v1/forecast`, daily min/max, no key) against a
 * configurable base URL — the real host in production, the simulator's weather face in dev and
 * tests. A failing feed never breaks the calendar: it reports itself unavailable.
 */
import { Config, Init, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { z } from 'zod';
import type { AppEnv } from '../../config/env';

export interface DailyWeather {
  /** YYYY-MM-DD (Beijing) */
  date: string;
  minC: number;
  maxC: number;
}

export interface WeatherProvider {
  daily(o: { latitude: number; longitude: number; days: number }): Promise<DailyWeather[]>;
}

const Forecast = z.object({
  daily: z.object({
    time: z.array(z.string()),
    temperature_2m_max: z.array(z.number().nullable()),
    temperature_2m_min: z.array(z.number().nullable()),
  }),
});

export class HttpWeatherProvider implements WeatherProvider {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 5_000,
  ) {}

  async daily(o: { latitude: number; longitude: number; days: number }): Promise<DailyWeather[]> {
    const q = new URLSearchParams({
      latitude: String(o.latitude),
      longitude: String(o.longitude),
      daily: 'temperature_2m_max,temperature_2m_min',
      timezone: 'Asia/Shanghai',
      forecast_days: String(o.days),
    });
    const res = await fetch(`${this.baseUrl.replace(/\/$/, '')}/v1/forecast?${q}`, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new Error(`weather feed answered ${res.status}`);
    const body = Forecast.parse(await res.json());
    const out: DailyWeather[] = [];
    body.daily.time.forEach((date, i) => {
      const maxC = body.daily.temperature_2m_max[i];
      const minC = body.daily.temperature_2m_min[i];
      if (typeof maxC === 'number' && typeof minC === 'number') out.push({ date, minC, maxC });
    });
    return out;
  }
}

const Settings = z.object({
  WEATHER_API_BASE: z.string().url().optional(),
  WEATHER_CITY: z.string().min(1).max(20).default('杭州'),
  WEATHER_LATITUDE: z.coerce.number().min(-90).max(90).default(30.21),
  WEATHER_LONGITUDE: z.coerce.number().min(-180).max(180).default(120.21),
});

/** The configured feed, cached for half an hour (suggestions do not need fresher data). */
@Provide()
@Scope(ScopeEnum.Singleton)
export class WeatherFeed {
  @Config('hub')
  env!: AppEnv;

  provider!: WeatherProvider;
  city = '杭州';
  private where = { latitude: 30.21, longitude: 120.21 };
  private cache: { at: number; days: DailyWeather[] } | null = null;

  @Init()
  init(): void {
    const s = Settings.parse(process.env);
    // dev/tests: the simulator's weather face sits next to its WeCom face
    const local = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/wecom\/?$/.test(this.env?.wecomApiBase ?? '');
    const base = s.WEATHER_API_BASE ?? (local ? this.env.wecomApiBase.replace(/\/wecom\/?$/, '/weather') : 'https://api.open-meteo.com');
    this.provider = new HttpWeatherProvider(base);
    this.city = s.WEATHER_CITY;
    this.where = { latitude: s.WEATHER_LATITUDE, longitude: s.WEATHER_LONGITUDE };
  }

  async forecast(): Promise<{ available: boolean; days: DailyWeather[] }> {
    if (this.cache && Date.now() - this.cache.at < 30 * 60_000) return { available: true, days: this.cache.days };
    try {
      const days = await this.provider.daily({ ...this.where, days: 7 });
      this.cache = { at: Date.now(), days };
      return { available: true, days };
    } catch {
      return { available: false, days: [] };
    }
  }

  /** Tests and the simulator knob: forget the cached forecast. */
  forget(): void {
    this.cache = null;
  }
}

export interface WeatherKit {
  id: number;
  title: string;
  weatherTags: string[];
}

/**
 * Pure: what the forecast suggests. A cold spell — a night at or below 3 °C, or nights dropping by
 * 6 °C or more from one day to the next — suggests the kits tagged `cold` (「暖汤分享会」 first);
 * a day of 33 °C or more suggests the `hot` ones.
 */
export function weatherSuggestions(days: DailyWeather[], kits: WeatherKit[]): Array<{ date: string; reason: string; title: string; kitId: number | null }> {
  const out: Array<{ date: string; reason: string; title: string; kitId: number | null }> = [];
  const cold = kits.filter((k) => k.weatherTags.includes('cold')).sort((a, b) => Number(b.title.includes('暖汤')) - Number(a.title.includes('暖汤')));
  const hot = kits.filter((k) => k.weatherTags.includes('hot'));
  for (let i = 0; i < days.length; i++) {
    const d = days[i];
    const prev = i > 0 ? days[i - 1] : null;
    const drop = prev ? prev.minC - d.minC : 0;
    if (d.minC <= 3 || drop >= 6) {
      const reason = drop >= 6 ? `${d.date} 降温 ${Math.round(drop)}°C（最低 ${Math.round(d.minC)}°C）` : `${d.date} 最低 ${Math.round(d.minC)}°C`;
      out.push({ date: d.date, reason: `寒潮：${reason}`, title: cold[0]?.title ?? '暖汤分享会', kitId: cold[0]?.id ?? null });
      break; // one cold-spell suggestion is enough
    }
  }
  const hotDay = days.find((d) => d.maxC >= 33);
  if (hotDay && hot[0])
    out.push({ date: hotDay.date, reason: `高温：${hotDay.date} 最高 ${Math.round(hotDay.maxC)}°C`, title: hot[0].title, kitId: hot[0].id });
  return out;
}
