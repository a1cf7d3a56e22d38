/**
 * The showcase's recipe library (dev only): a few solutions, one collection and a 本周推荐 card on
 * 首页, created through the recipes module's services. Idempotent by recipe title.
 */
import { In } from 'typeorm';
import type { StaffPrincipal } from '../core/auth/principal';
import type { Db } from '../core/db';
import { ClassDef } from '../modules/classes/entities/class-def.entity';
import { Recipe } from '../modules/recipes/entities/recipe.entity';
import type { HomeService } from '../modules/recipes/home.service';
import type { RecipeService } from '../modules/recipes/recipe.service';

const RECIPES = [
  {
    title: '番茄炒蛋',
    intro: '下班回家 10 分钟上桌，酸甜下饭。',
    minutes: 10,
    difficulty: 'easy' as const,
    servings: 2,
    ingredients: [
      { name: '鸡蛋', amount: '3个', product: '散养土鸡蛋' },
      { name: '番茄', amount: '2个', product: null },
      { name: '葱', amount: '少许', product: null },
    ],
    steps: ['鸡蛋加少许盐打散，热油炒至凝固盛出', '番茄切块下锅炒出汁，加一点糖', '倒回鸡蛋翻匀，撒葱花出锅'],
    tags: ['快手菜', '家常菜'],
  },
  {
    title: '南瓜小米粥',
    intro: '软糯好消化，一岁以上的宝宝都爱吃；周末带孩子来门店的亲子课一起做。',
    minutes: 25,
    difficulty: 'easy' as const,
    servings: 2,
    ingredients: [
      { name: '南瓜', amount: '200克', product: '本地贝贝南瓜' },
      { name: '小米', amount: '50克', product: null },
    ],
    steps: ['南瓜去皮切块，蒸 10 分钟压成泥', '小米淘净加水煮开，转小火 15 分钟', '拌入南瓜泥再煮 2 分钟'],
    tags: ['宝宝营养', '宝宝辅食'],
  },
  {
    title: '蒜蓉烤茄子',
    intro: '周末 BBQ 的人气素菜，烤箱也能做。',
    minutes: 30,
    difficulty: 'medium' as const,
    servings: 3,
    ingredients: [
      { name: '长茄子', amount: '2根', product: null },
      { name: '大蒜', amount: '1头', product: null },
      { name: '小米辣', amount: '2个', product: null },
    ],
    steps: ['茄子对半剖开，表面划格', '蒜末小米辣加油、生抽调成酱', '酱铺在茄子上，200 度烤 20 分钟'],
    tags: ['周末BBQ'],
  },
];

export async function seedShowcaseRecipes(
  deps: { db: Db; recipes: RecipeService; home: HomeService },
  staff: StaffPrincipal,
  storeId: number,
  now: Date,
): Promise<number> {
  const have = await deps.db.manager.count(Recipe, { where: { title: In(RECIPES.map((r) => r.title)) } });
  if (have) return 0;
  const kidsClass = await deps.db.manager.findOne(ClassDef, { where: { title: '亲子包汤圆', storeId } });
  const ids: number[] = [];
  for (const r of RECIPES) {
    const saved = await deps.recipes.save(staff.staffId, null, {
      ...r,
      authorDisplayName: '门店大厨',
      kitItemRef: null,
      kitLabel: null,
      classId: r.tags.includes('宝宝营养') ? (kidsClass?.id ?? null) : null,
      published: true,
    });
    ids.push(saved.id);
  }
  const quick = await deps.recipes.saveCollection({
    title: '今晚吃什么：15 分钟快手菜',
    subtitle: '下班也来得及',
    recipeIds: [ids[0]],
    sort: 0,
    published: true,
  });
  await deps.home.save(staff, {
    kind: 'highlight',
    storeId,
    title: '今晚吃什么：15 分钟快手菜',
    subtitle: '番茄炒蛋、快手小炒，食材门店都备齐了',
    linkType: 'collection',
    linkId: quick.id,
    audience: 'all',
    startsAt: now.toISOString(),
    endsAt: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
    sort: 0,
  });
  await deps.home.save(staff, {
    kind: 'highlight',
    storeId,
    title: '三道菜搞定宝宝一周营养晚餐',
    subtitle: '从南瓜小米粥开始',
    linkType: 'recipe',
    linkId: ids[1],
    audience: 'with_children',
    startsAt: now.toISOString(),
    endsAt: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
    sort: 1,
  });
  return ids.length;
}
