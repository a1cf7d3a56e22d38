/**
 * Choices for the channel form: staff with a WeCom account (HQ sees every account; a store manager
 * only themselves, since the staff list is HQ-only — they can still type a colleague's userid),
 * stores (derived from staff, there is no ops store list), and our tag names for suggestions.
 */
import { useEffect, useState } from 'react';
import * as identity from '../../../../contracts/identity';
import type { RouteResponse } from '../../../../contracts/route';
import * as system from '../../../../contracts/system';
import { listCorpTags } from '../../../../contracts/wecom';
import { useAuth, useStaff } from '../../auth';

export interface Option<T = string> {
  value: T;
  label: string;
}

export function useStaffOptions(): { staff: Option[]; stores: Option<number>[] } {
  const { api } = useAuth();
  const me = useStaff();
  const own: Option[] = me.wecomUserId ? [{ value: me.wecomUserId, label: `${me.displayName}（${me.wecomUserId}）` }] : [];
  const [staff, setStaff] = useState<Option[]>(own);
  const [stores, setStores] = useState<Option<number>[]>(me.storeId ? [{ value: me.storeId, label: me.storeName ?? `门店 ${me.storeId}` }] : []);
  useEffect(() => {
    if (me.role !== 'hq_admin') return;
    let live = true;
    api.call(identity.listStaff).then(
      (r) => {
        if (!live) return;
        setStaff(r.items.filter((s) => s.wecomUserId).map((s) => ({ value: s.wecomUserId!, label: `${s.displayName}（${s.wecomUserId}）` })));
        const found = new Map<number, string>();
        for (const s of r.items) if (s.storeId) found.set(s.storeId, s.storeName ?? `门店 ${s.storeId}`);
        setStores([...found].map(([value, label]) => ({ value, label })));
      },
      () => undefined, // suggestions only: typing a userid still works
    );
    return () => {
      live = false;
    };
  }, [api, me.role]);
  return { staff, stores };
}

/** Names of the corp tags we created (the ones our engine may apply), for the tag pickers. */
export function useOurTagNames(): string[] {
  const { api } = useAuth();
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    api.call(listCorpTags).then(
      (r) => {
        if (!live) return;
        const all = r.groups.flatMap((g) => g.tags.filter((t) => t.createdByUs).map((t) => t.name));
        setNames([...new Set(all)]);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);
  return names;
}

/**
 * The server's public config, for dev-only affordances: with the local simulator, WeCom's QR
 * image URLs point at a host that does not exist, and journey runs may be evaluated at a chosen time.
 */
export function usePublicConfig(): RouteResponse<typeof system.publicConfig> | null {
  const { api } = useAuth();
  const [config, setConfig] = useState<RouteResponse<typeof system.publicConfig> | null>(null);
  useEffect(() => {
    let live = true;
    api.call(system.publicConfig).then(
      (c) => live && setConfig(c),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);
  return config;
}
