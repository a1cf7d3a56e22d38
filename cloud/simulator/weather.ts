/**
 * api.open-meteo.com stand-in: `/weather/v1/forecast` answers daily min/max temperatures in
 * Open-Meteo's shape. Control: POST /__sim/weather/forecast { days: [{ minC, maxC }, …] } sets the
 * coming days (from today, Beijing); by default a mild week.
 */
import { SimFace, SimRequest, badRequest, field, json } from './router';
import type { SimState } from './state';
import { addDaysToKey, dayKey } from '../../contracts/calendar';

const MILD = { minC: 9, maxC: 16 };

export function weatherFace(state: SimState): SimFace {
  let days: Array<{ minC: number; maxC: number }> = [];
  const dateOf = (offset: number) => addDaysToKey(dayKey(state.now()), offset);
  return {
    name: 'weather',
    prefix: '/weather',
    routes: [
      {
        method: 'GET',
        path: '/v1/forecast',
        handle: (req: SimRequest) => {
          const n = Number(req.query.get('forecast_days') ?? 7);
          if (!req.query.get('latitude') || !req.query.get('longitude')) return json({ error: true, reason: 'latitude and longitude required' }, 400);
          if (!Number.isInteger(n) || n < 1 || n > 16) return json({ error: true, reason: 'forecast_days must be 1..16' }, 400);
          const list = Array.from({ length: n }, (_, i) => days[i] ?? MILD);
          return json({
            latitude: Number(req.query.get('latitude')),
            longitude: Number(req.query.get('longitude')),
            timezone: req.query.get('timezone') ?? 'GMT',
            daily_units: { time: 'iso8601', temperature_2m_max: '°C', temperature_2m_min: '°C' },
            daily: { time: list.map((_, i) => dateOf(i)), temperature_2m_max: list.map((d) => d.maxC), temperature_2m_min: list.map((d) => d.minC) },
          });
        },
      },
    ],
    control: [
      {
        method: 'POST',
        path: '/forecast',
        handle: (req: SimRequest) => {
          const list = field(req.body, 'days');
          if (!Array.isArray(list) || !list.every((d) => typeof field(d, 'minC') === 'number' && typeof field(d, 'maxC') === 'number'))
            return badRequest('days: [{ minC, maxC }] required');
          days = list.map((d) => ({ minC: field(d, 'minC') as number, maxC: field(d, 'maxC') as number }));
          return json({ days });
        },
      },
    ],
    faultBody: () => ({ error: true, reason: 'injected fault' }),
    reset: () => {
      days = [];
    },
  };
}
