/**
 * 菜谱 and solutions: recipes ops and chefs publish (contest winners become recipes credited to
 * their authors), themed collections, 收藏, 「为你推荐」 with its rule, and the 首页 banners and
 * highlights ops manage per store.
 */
import { z } from 'zod';
import { defineRoute, IsoDateTime, PageQuery, pageOf, STORE_OPS } from './route';

const Id = z.coerce.number().int().positive().max(2_147_483_647);

export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export const Difficulty = z.enum(DIFFICULTIES);
export const DIFFICULTY_LABELS: Record<(typeof DIFFICULTIES)[number], string> = { easy: '简单', medium: '中等', hard: '有挑战' };

/** Tags members filter by; ops may add others. */
export const RECIPE_TAGS = ['快手菜', '宝宝辅食', '宝宝营养', '年夜菜', '家常菜', '周末BBQ', '汤羹', '减脂'] as const;

export const Ingredient = z.object({
  name: z.string().trim().min(1).max(32),
  amount: z.string().trim().max(32).default(''),
  /** The product to buy in store, when it differs from the name (e.g. 「本店散养土鸡蛋」). */
  product: z.string().trim().max(64).nullable().default(null),
});
export type Ingredient = z.infer<typeof Ingredient>;

export const RecipeCard = z.object({
  id: z.number().int(),
  title: z.string(),
  coverUrl: z.string().nullable(),
  minutes: z.number().int(),
  difficulty: Difficulty,
  servings: z.number().int(),
  tags: z.array(z.string()),
  authorDisplayName: z.string().nullable(),
  /** A contest winner credited to its author. */
  fromContest: z.boolean(),
  favouriteCount: z.number().int(),
});
export type RecipeCard = z.infer<typeof RecipeCard>;

export const RecipeDetail = RecipeCard.extend({
  intro: z.string(),
  ingredients: z.array(Ingredient),
  steps: z.array(z.string()),
  /** 「买料理包」: the pre-order item ops linked (null: no button). */
  kit: z.object({ itemRef: z.string(), label: z.string() }).nullable(),
  /** 「报名相关课程」: the next open session of the class ops linked (null: none scheduled). */
  relatedSession: z.object({ id: z.number().int(), title: z.string(), startsAt: IsoDateTime, registrationOpen: z.boolean() }).nullable(),
  favourited: z.boolean(),
  publishedAt: IsoDateTime.nullable(),
});
export type RecipeDetail = z.infer<typeof RecipeDetail>;

export const Collection = z.object({
  id: z.number().int(),
  title: z.string(),
  subtitle: z.string(),
  recipes: z.array(RecipeCard),
});
export type Collection = z.infer<typeof Collection>;

export const listRecipes = defineRoute({
  method: 'GET',
  path: '/api/recipes',
  auth: 'public',
  summary: 'Published recipes, newest first; filter by tag or words in the title.',
  query: PageQuery.extend({ tag: z.string().trim().max(16).optional(), q: z.string().trim().max(30).optional() }),
  response: pageOf(RecipeCard),
});

export const listCollections = defineRoute({
  method: 'GET',
  path: '/api/recipe-collections',
  auth: 'public',
  summary: 'Published themed collections (「15 分钟快手菜」「周末 BBQ」) with their recipes.',
  response: z.object({ items: z.array(Collection) }),
});

export const getRecipe = defineRoute({
  method: 'GET',
  path: '/api/recipes/:recipeId',
  auth: 'member',
  summary: 'One published recipe with its actions (料理包, related class, 收藏).',
  params: z.object({ recipeId: Id }),
  response: RecipeDetail,
});

export const favouriteRecipe = defineRoute({
  method: 'PUT',
  path: '/api/recipes/:recipeId/favourite',
  auth: 'member',
  summary: '收藏 (idempotent).',
  params: z.object({ recipeId: Id }),
  response: z.object({ favourited: z.boolean(), favouriteCount: z.number().int() }),
});

export const unfavouriteRecipe = defineRoute({
  method: 'DELETE',
  path: '/api/recipes/:recipeId/favourite',
  auth: 'member',
  summary: '取消收藏 (idempotent).',
  params: z.object({ recipeId: Id }),
  response: z.object({ favourited: z.boolean(), favouriteCount: z.number().int() }),
});

export const myFavourites = defineRoute({
  method: 'GET',
  path: '/api/me/favourites',
  auth: 'member',
  summary: '「我的收藏」, most recently saved first.',
  response: z.object({ items: z.array(RecipeCard) }),
});

export const RecommendedRecipe = RecipeCard.extend({ reason: z.string() });

/** One rule of 「为你推荐」 as ops read it. */
export const RecommendationRule = z.object({ key: z.string(), when: z.string(), then: z.string() });

export const myRecommendations = defineRoute({
  method: 'GET',
  path: '/api/me/recommendations',
  auth: 'member',
  summary: '「为你推荐」: recipes chosen by the household (children → 宝宝营养), purchases (related dishes) and favourites, each with its reason.',
  query: z.object({ limit: z.coerce.number().int().min(1).max(20).default(6) }),
  response: z.object({ items: z.array(RecommendedRecipe) }),
});

// ---- 首页: banners and highlights per store ----
export const BANNER_KINDS = ['banner', 'highlight'] as const;
export const BANNER_AUDIENCES = ['all', 'with_children', 'new_member'] as const;
export const BANNER_AUDIENCE_LABELS: Record<(typeof BANNER_AUDIENCES)[number], string> = {
  all: '所有会员',
  with_children: '有孩子的家庭',
  new_member: '新会员（注册30天内）',
};
export const BANNER_LINKS = ['none', 'recipe', 'collection', 'class_session', 'contest'] as const;

export const HomeCard = z.object({
  id: z.number().int(),
  kind: z.enum(BANNER_KINDS),
  title: z.string(),
  subtitle: z.string(),
  imageUrl: z.string().nullable(),
  linkType: z.enum(BANNER_LINKS),
  linkId: z.number().int().nullable(),
});
export type HomeCard = z.infer<typeof HomeCard>;

export const homeFeed = defineRoute({
  method: 'GET',
  path: '/api/home/feed',
  auth: 'member',
  summary: 'The 首页 banners and this week’s highlights for the member’s home store and audience, in schedule.',
  response: z.object({ banners: z.array(HomeCard), highlights: z.array(HomeCard) }),
});

// ---- ops ----

export const RecipeInput = z.object({
  title: z.string().trim().min(1, '请填写菜名').max(40),
  intro: z.string().trim().max(500).default(''),
  coverUploadId: z.number().int().positive().nullable().optional(),
  minutes: z.coerce.number().int().min(1).max(600),
  difficulty: Difficulty,
  servings: z.coerce.number().int().min(1).max(30),
  ingredients: z.array(Ingredient).min(1, '至少填写一种食材').max(40),
  steps: z.array(z.string().trim().min(1).max(300)).min(1, '至少填写一个步骤').max(30),
  tags: z.array(z.string().trim().min(1).max(16)).max(8).default([]),
  authorDisplayName: z.string().trim().max(32).nullable().default(null),
  /** Pre-order item reference (the 年夜饭/料理包 item id ops copy from the pre-order page); null: no 买料理包 button. */
  kitItemRef: z.string().trim().max(64).nullable().default(null),
  kitLabel: z.string().trim().max(32).nullable().default(null),
  /** The class (series) whose next session the recipe offers. */
  classId: z.number().int().positive().nullable().default(null),
  published: z.boolean().default(true),
});

export const OpsRecipe = RecipeDetail.omit({ favourited: true, relatedSession: true }).extend({
  published: z.boolean(),
  kitItemRef: z.string().nullable(),
  kitLabel: z.string().nullable(),
  classId: z.number().int().nullable(),
  sourceEntryId: z.number().int().nullable(),
});
export type OpsRecipe = z.infer<typeof OpsRecipe>;

export const opsListRecipes = defineRoute({
  method: 'GET',
  path: '/api/admin/recipes',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'All recipes (published and drafts), newest first.',
  query: PageQuery,
  response: pageOf(OpsRecipe),
});

export const opsCreateRecipe = defineRoute({
  method: 'POST',
  path: '/api/admin/recipes',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Publish a recipe (or save a draft).',
  body: RecipeInput,
  response: OpsRecipe,
});

export const opsUpdateRecipe = defineRoute({
  method: 'PUT',
  path: '/api/admin/recipes/:recipeId',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Edit a recipe (also the 料理包 link and the related class).',
  params: z.object({ recipeId: Id }),
  body: RecipeInput,
  response: OpsRecipe,
});

export const CollectionInput = z.object({
  title: z.string().trim().min(1).max(30),
  subtitle: z.string().trim().max(60).default(''),
  recipeIds: z.array(z.number().int().positive()).max(30),
  sort: z.coerce.number().int().min(0).max(999).default(0),
  published: z.boolean().default(true),
});
export const OpsCollection = z.object({
  id: z.number().int(),
  title: z.string(),
  subtitle: z.string(),
  recipeIds: z.array(z.number().int()),
  sort: z.number().int(),
  published: z.boolean(),
});

export const opsListCollections = defineRoute({
  method: 'GET',
  path: '/api/admin/recipe-collections',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Themed collections.',
  response: z.object({ items: z.array(OpsCollection) }),
});

export const opsSaveCollection = defineRoute({
  method: 'POST',
  path: '/api/admin/recipe-collections',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Create a collection, or update one when `id` is given.',
  body: CollectionInput.extend({ id: z.number().int().positive().optional() }),
  response: OpsCollection,
});

export const BannerInput = z.object({
  kind: z.enum(BANNER_KINDS),
  /** null: every store (HQ only); store managers may only set their own store. */
  storeId: z.number().int().positive().nullable(),
  title: z.string().trim().min(1).max(30),
  subtitle: z.string().trim().max(60).default(''),
  imageUploadId: z.number().int().positive().nullable().optional(),
  linkType: z.enum(BANNER_LINKS).default('none'),
  linkId: z.number().int().positive().nullable().default(null),
  audience: z.enum(BANNER_AUDIENCES).default('all'),
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  sort: z.coerce.number().int().min(0).max(999).default(0),
});
export const OpsBanner = HomeCard.extend({
  storeId: z.number().int().nullable(),
  storeName: z.string().nullable(),
  audience: z.enum(BANNER_AUDIENCES),
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  sort: z.number().int(),
});
export type OpsBanner = z.infer<typeof OpsBanner>;

export const opsListBanners = defineRoute({
  method: 'GET',
  path: '/api/admin/home-banners',
  auth: 'staff',
  roles: STORE_OPS,
  summary: '首页 banners and highlights (store managers: their store and the chain-wide ones).',
  response: z.object({ items: z.array(OpsBanner) }),
});

export const opsSaveBanner = defineRoute({
  method: 'POST',
  path: '/api/admin/home-banners',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Create a banner/highlight, or update one when `id` is given.',
  body: BannerInput.extend({ id: z.number().int().positive().optional() }),
  response: OpsBanner,
});

export const opsDeleteBanner = defineRoute({
  method: 'DELETE',
  path: '/api/admin/home-banners/:bannerId',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Remove a banner/highlight.',
  params: z.object({ bannerId: Id }),
  response: z.object({ deleted: z.literal(true) }),
});

export const opsRecommendationRules = defineRoute({
  method: 'GET',
  path: '/api/admin/recipes/recommendation-rules',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'The rule behind 「为你推荐」, in the order it is applied.',
  response: z.object({ rules: z.array(RecommendationRule) }),
});

/** The recipe's 「买料理包」 opens the pre-order page (packages/nye) with `?itemId=<kitItemRef>` in the cart. */
export const KIT_ITEM_PAGE = '/packages/nye/order/index';

/** Mini-program path of a recipe (share cards, banners). */
export const RECIPE_PAGE = '/packages/recipes/detail/index';
