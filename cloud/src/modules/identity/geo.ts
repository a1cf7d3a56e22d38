/** Distance between two points in metres (haversine; good to a few metres at city scale). */
export function distanceMetres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const R = 6_371_000;
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return Math.round(2 * R * Math.asin(Math.min(1, Math.sqrt(h))));
}

/** Stores nearest first when a location is known; stores without a location last, by name order kept. */
export function byDistance<T extends { latE6: number | null; lngE6: number | null }>(
  stores: T[],
  from: { lat: number; lng: number } | null,
): Array<T & { distanceM: number | null }> {
  const withD = stores.map((s, i) => ({
    ...s,
    i,
    distanceM: from && s.latE6 !== null && s.lngE6 !== null ? distanceMetres(from, { lat: s.latE6 / 1e6, lng: s.lngE6 / 1e6 }) : null,
  }));
  withD.sort((x, y) => (x.distanceM ?? Infinity) - (y.distanceM ?? Infinity) || x.i - y.i);
  return withD.map(({ i: _i, ...rest }) => rest as unknown as T & { distanceM: number | null });
}
