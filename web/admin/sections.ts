/**
 * Ops page sections. The navigation is built ONLY from the `sections` the server returns for the
 * signed-in staff member (the server enforces the same rules); this table just names them and says
 * which ones have a real page yet.
 */
export const SECTION_LABELS: Record<string, string> = {
  dashboard: '概览',
  members: '会员',
  staff: '员工与权限',
  permissions: '员工与权限',
  contests: '菜谱大赛',
  classes: '课程活动',
  preorders: '年夜饭预订',
  purchases: '消费与导入',
  journeys: '旅程SOP',
  feedback: '反馈与流失',
  tags: '标签',
  library: '话术素材',
  community: '社群运营',
  recipes: '菜谱与首页',
  referral: '推荐裂变',
};

/** Sections with a working page; everything else shows the 「即将上线」 placeholder. */
export const BUILT_SECTIONS = new Set([
  'dashboard',
  'members',
  'staff',
  'contests',
  'classes',
  'preorders',
  'purchases',
  'journeys',
  'feedback',
  'tags',
  'library',
  'community',
  'recipes',
  'permissions',
  'referral',
]);

export function sectionLabel(key: string): string {
  return SECTION_LABELS[key] ?? key;
}

/**
 * Menu entries in server order. `permissions` shares the staff page, so it gets its own entry
 * only when `staff` is not also allowed (otherwise two menu items would open the same page).
 */
export function navSections(sections: readonly string[]): string[] {
  const seen = new Set<string>();
  const labels = new Set<string>();
  const out: string[] = [];
  for (const s of sections) {
    if (seen.has(s)) continue;
    seen.add(s);
    if (s === 'permissions' && sections.includes('staff')) continue;
    // two keys with one name (员工与权限) open the same page: one entry
    if (labels.has(sectionLabel(s))) continue;
    labels.add(sectionLabel(s));
    out.push(s);
  }
  return out;
}
