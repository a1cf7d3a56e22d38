/**
 * The showcase (SEED_SHOWCASE, on for `npm start`): on top of the demo store it makes the product
 * look alive on first start — a recipe contest in its voting window with photos, votes and one
 * entry waiting for moderation; an earlier closed contest whose winner became a credited dish;
 * classes with registrations and a full session with a waitlist; a 渠道活码 with customers who
 * really added staff through it (signed callbacks fired by the simulator at this server, so the
 * welcome log, attribution, tags and new-customer journey enrolments are the engine's own work).
 *
 * Everything goes through the domain services (the same calls the API handlers make, inputs parsed
 * by the API contracts), never by inserting into other modules' tables. Reads for "is it there
 * already" are plain. Each part is keyed by a natural name (contest title, class title, channel
 * state) and skipped when present, so a second start adds nothing. Times are relative to now.
 */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { Application } from '@midwayjs/koa';
import { In, Like } from 'typeorm';
import { ContestInput, EntryInput } from '../../../contracts/contest';
import { WECOM_CALLBACK_PATH } from '../../../contracts/wecom';
import type { StaffPrincipal } from '../core/auth/principal';
import { Db } from '../core/db';
import { EventBus } from '../core/events/event-bus';
import { ClassAuthoringService, type CreateClassInput } from '../modules/classes/authoring.service';
import { ClassDef } from '../modules/classes/entities/class-def.entity';
import { RegistrationService } from '../modules/classes/registration.service';
import { addDays, dayKey, dayStartOfKey, sameDayAt, shanghaiParts } from '../../../contracts/calendar';
import { ContestService } from '../modules/contest/contest.service';
import { Contest } from '../modules/contest/entities/contest.entity';
import { EntryService } from '../modules/contest/entry.service';
import { TallyService } from '../modules/contest/tally';
import { VoteService } from '../modules/contest/vote.service';
import { Member } from '../modules/identity/entities/member.entity';
import { StaffUser } from '../modules/identity/entities/staff-user.entity';
import { Store } from '../modules/identity/entities/store.entity';
import { UploadService } from '../modules/uploads/upload.service';
import { ChannelService } from '../modules/wecom/channel.service';
import { WecomChannel } from '../modules/wecom/entities/channel.entity';
import { InboxWorker } from '../modules/wecom/inbox.worker';
import { OutboundWorker } from '../modules/wecom/outbound.worker';
import { WecomContact } from '../modules/wecom/entities/wecom-contact.entity';
import { DEMO_STORE } from './seed.service';
import { HomeService } from '../modules/recipes/home.service';
import { RecipeService } from '../modules/recipes/recipe.service';
import { seedShowcaseRecipes } from './showcase-recipes';
import { dishPhoto } from './showcase-images';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const SHOWCASE_CONTEST = '晒出你家的传家年夜菜';
export const SHOWCASE_PAST_CONTEST = '中秋团圆宴·我家的拿手菜';
export const SHOWCASE_CHANNEL_STATE = 'showcase_cashier';
export const SHOWCASE_CLASSES = ['手工水饺', '妈妈早茶会', '亲子包汤圆'] as const;

export interface ShowcaseResult {
  /** True when this run created anything. */
  created: boolean;
  contest: { id: number; title: string; entries: number; votes: number; pending: number } | null;
  pastContest: { id: number; dishName: string | null } | null;
  classes: number;
  channel: { id: number; name: string; customers: number } | null;
  /** Parts left out, with the reason (e.g. no simulator to fire callbacks). */
  skipped: string[];
  /** How long this run took. */
  ms: number;
}

interface DemoPerson {
  id: number;
  nickname: string;
  unionid: string | null;
  householdId: number | null;
  createdAt: Date;
}

interface DishSeed {
  title: string;
  displayName: string;
  story: string;
  ingredients: string[];
  steps: string[];
  table: string;
  food: string;
}

/** One dish per call, ingredients and steps `|`-separated, so the lists below read as a menu. */
const dish = (title: string, displayName: string, [table, food]: [string, string], story: string, ingredients: string, steps: string): DishSeed => ({
  title,
  displayName,
  story,
  ingredients: ingredients.split('|'),
  steps: steps.split('|'),
  table,
  food,
});

/** The current contest's entries; the last one trips the content check and waits for a moderator. */
const CURRENT_DISHES: DishSeed[] = [
  dish(
    '红烧狮子头',
    '李奶奶',
    ['#8b5a3c', '#9c3d1f'],
    '我们家年夜饭的压轴菜。小时候看外婆一只一只团狮子头，团圆团圆，一家人就要整整齐齐。',
    '五花肉 600克|荸荠 6个|青菜 4棵|老抽 1勺',
    '五花肉肥瘦三七开，切粒后稍剁|加荸荠碎、葱姜水顺一个方向搅上劲|团成大丸子先煎定型|小火焖一个半小时',
  ),
  dish(
    '八宝饭',
    '张大姐',
    ['#6d4c8d', '#c9a063'],
    '每年除夕我妈都会蒸一大碗八宝饭，倒扣出来那一刻全家都会鼓掌。现在轮到我给孩子们蒸了。',
    '糯米 500克|豆沙 200克|红枣 8颗|葡萄干 一把|猪油 1勺',
    '糯米泡一夜后蒸熟，拌猪油和糖|碗底抹油摆好果料|铺一层糯米、一层豆沙、再一层糯米|上锅蒸40分钟后倒扣',
  ),
  dish(
    '糖醋小排',
    '陈师傅',
    ['#2f5d62', '#7a2e14'],
    '孩子们最爱吃的一道菜，每年都是第一个被抢光的。酸甜口，冷了也好吃。',
    '肋排 800克|冰糖 30克|香醋 3勺|生抽 2勺',
    '小排焯水洗净|少油煎至两面金黄|加料酒、生抽、冰糖和开水焖40分钟|大火收汁，出锅前淋香醋',
  ),
  dish(
    '腌笃鲜',
    '周阿婆',
    ['#5b6e3a', '#e8dcc0'],
    '春笋、咸肉、鲜肉一起笃，一锅汤白白的，喝一口就是老家的味道。',
    '春笋 3根|咸肉 300克|鲜五花 300克|百叶结 一把',
    '咸肉、鲜肉切块焯水|加足量清水大火烧开转小火|放入春笋块笃一小时|最后放百叶结再煮10分钟',
  ),
  dish(
    '四喜烤麸',
    '赵叔',
    ['#7d3c3c', '#8a5a2b'],
    '上海人家的年菜冷盘少不了它，我爸每年腊月二十八就开始泡烤麸，一做就是一大锅。',
    '烤麸 300克|香菇 8朵|木耳 一把|花生 一把|金针菜 一把',
    '烤麸撕小块，挤干水分|油锅炸至金黄|香菇木耳金针花生一同下锅|加生抽老抽冰糖烧至收汁',
  ),
  dish(
    '白斩鸡',
    '刘嫂',
    ['#3d4f7d', '#f2d48c'],
    '过年一定要有一只整鸡，寓意有头有尾。浸熟的鸡皮爽肉滑，蘸一点姜葱酱就够了。',
    '三黄鸡 1只|生姜 一大块|小葱 一把|花生油 2勺',
    '整鸡洗净，水开后提起放下三次|关小火浸20分钟|捞出立刻放进冰水|姜葱剁碎浇热油做蘸料',
  ),
  dish(
    '秘制酱鸭',
    '吴哥',
    ['#4a3b2a', '#5a2a12'],
    '我家的酱鸭全网最好吃，邻居都来讨配方，想买的加我电话。',
    '鸭子 1只|酱油 半瓶|冰糖 50克',
    '鸭子用酱油腌两天|挂起来风干三天|上锅蒸一小时',
  ),
];

/** The earlier contest: four entries, 王阿姨's 蛋饺 wins and becomes 「王阿姨的拿手蛋饺」. */
const PAST_DISHES: DishSeed[] = [
  dish(
    '蛋饺',
    '王阿姨',
    ['#9a6a2f', '#f0c23b'],
    '每年团圆饭外婆都会在炉子上一只一只地摊蛋饺，我们围着看，谁先偷吃一个就要挨骂。',
    '鸡蛋 6个|猪肉末 300克|葱姜 少许',
    '肉末加葱姜水调味|铁勺抹油，倒蛋液摊成蛋皮|放肉馅，趁蛋液未凝固对折合上|与白菜粉丝同煮',
  ),
  dish(
    '桂花糖藕',
    '孙老伯',
    ['#6b3e5e', '#b5654a'],
    '中秋正是藕最好的时候，灌上糯米慢慢煮，切开来一片一片都是桂花香。',
    '莲藕 2节|糯米 150克|红糖 80克|干桂花 1勺',
    '糯米泡两小时|藕切开一头灌满糯米再盖上|加红糖小火煮两小时|切片淋桂花糖浆',
  ),
  dish(
    '清蒸鲈鱼',
    '马师傅',
    ['#2e5266', '#dcd6c4'],
    '团圆饭上要有鱼，年年有余。鲈鱼只蒸八分钟，火候是我爸手把手教的。',
    '鲈鱼 1条|葱姜 适量|蒸鱼豉油 3勺',
    '鱼身划刀，塞葱姜|水开上锅蒸8分钟|倒掉汤汁，铺葱丝|淋热油和蒸鱼豉油',
  ),
  dish(
    '油焖大虾',
    '郭姐',
    ['#7a4b2a', '#d9502b'],
    '孩子回家过节点名要吃的菜，红亮亮的一盘端上来，整个屋子都香。',
    '大虾 500克|番茄酱 2勺|白糖 1勺',
    '剪去虾须虾线|煎出虾油|加番茄酱、糖和少许水焖两分钟|大火收汁',
  ),
];

/** Votes per current entry (approved ones, in CURRENT_DISHES order) and per past entry. */
const CURRENT_VOTES = [14, 11, 9, 7, 5, 3];
const PAST_VOTES = [12, 8, 6, 4];

@Provide()
@Scope(ScopeEnum.Singleton)
export class ShowcaseService {
  @Inject()
  db!: Db;

  @Inject()
  recipes!: RecipeService;

  @Inject()
  home!: HomeService;

  @Inject()
  events!: EventBus;

  @Inject()
  uploads!: UploadService;

  @Inject()
  contests!: ContestService;

  @Inject()
  entries!: EntryService;

  @Inject()
  votes!: VoteService;

  @Inject()
  tally!: TallyService;

  @Inject()
  classes!: ClassAuthoringService;

  @Inject()
  registrations!: RegistrationService;

  @Inject()
  channels!: ChannelService;

  @Inject()
  inbox!: InboxWorker;

  @Inject()
  outbound!: OutboundWorker;

  /**
   * `app`: callbacks are fired at a private listener on this app (works before or without the
   * public port). `simulatorUrl`: the simulator whose control API fires them; null skips the
   * channel's customers.
   */
  async seedShowcase(o: { app: Application; simulatorUrl: string | null; now?: Date }): Promise<ShowcaseResult> {
    const t0 = Date.now();
    const now = o.now ?? new Date();
    const result: ShowcaseResult = { created: false, contest: null, pastContest: null, classes: 0, channel: null, skipped: [], ms: 0 };
    const store = await this.db.manager.findOne(Store, { where: { name: DEMO_STORE } });
    const admin = await this.db.manager.findOne(StaffUser, { where: { username: 'admin' } });
    if (!store || !admin) {
      result.skipped.push('no demo store (SEED_DEMO off?)');
      return result;
    }
    const staff: StaffPrincipal = { kind: 'staff', staffId: admin.id, role: admin.role, storeId: admin.storeId, sessionId: 0 };
    // The demo seed's WeCom contacts exist only in our database, not in the simulator: anything that
    // syncs a tag to them would fail at WeCom. Contest and class people are members without one,
    // and the three who will add staff through the channel code are kept aside for it.
    const { pool, newcomers } = await this.castOfPeople();

    await this.pastContest(staff, pool, now, result);
    await this.currentContest(staff, pool, now, result);
    await this.seedClasses(staff, store.id, pool, now, result);
    if (await seedShowcaseRecipes({ db: this.db, recipes: this.recipes, home: this.home }, staff, store.id, now)) result.created = true;
    await this.seedChannel(staff, store.id, newcomers, o, result);
    // let the events of all this (tags, journeys, timelines, the dish) be handled before returning
    await this.settle();
    result.ms = Date.now() - t0;
    return result;
  }

  // ------------------------------------------------------------------ people

  private async demoPeople(): Promise<DemoPerson[]> {
    const rows = await this.db.manager.find(Member, {
      where: { openid: Like('o_demo_%'), status: 'active' },
      select: { id: true, nickname: true, unionid: true, householdId: true, createdAt: true },
      order: { openid: 'ASC' },
    });
    return rows.map((r) => ({ id: r.id, nickname: r.nickname ?? '', unionid: r.unionid, householdId: r.householdId, createdAt: new Date(r.createdAt) }));
  }

  private async castOfPeople(): Promise<{ pool: DemoPerson[]; newcomers: DemoPerson[] }> {
    const people = await this.demoPeople();
    const contacts = await this.db.manager.find(WecomContact, { select: { memberId: true, unionid: true } });
    const linked = new Set(contacts.map((c) => c.memberId).filter((id): id is number => id !== null));
    const unions = new Set(contacts.map((c) => c.unionid).filter(Boolean));
    const free = people.filter((p) => !linked.has(p.id) && !(p.unionid && unions.has(p.unionid)));
    const newcomers = free.filter((p) => p.unionid).slice(-3);
    const aside = new Set(newcomers.map((p) => p.id));
    return { pool: free.filter((p) => !aside.has(p.id)), newcomers };
  }

  /** Members whose account is older than `before` (their votes are not flagged as new accounts), excluding `taken`. */
  private veterans(people: DemoPerson[], before: Date, taken: Set<number>, n: number): DemoPerson[] {
    const out = people.filter((p) => p.createdAt < before && !taken.has(p.id)).slice(0, n);
    if (out.length < n) throw new Error(`showcase: only ${out.length} demo members older than ${before.toISOString()}`);
    for (const p of out) taken.add(p.id);
    return out;
  }

  // ------------------------------------------------------------------ contests

  private async photoFor(memberId: number, d: DishSeed): Promise<number> {
    const img = await this.uploads.saveImage({ type: 'member', id: memberId }, await dishPhoto(d.title, d.table, d.food));
    return img.id;
  }

  private async submit(contestId: number, author: DemoPerson, d: DishSeed, key: string): Promise<number> {
    const photoId = await this.photoFor(author.id, d);
    const input = EntryInput.parse({
      title: d.title,
      displayName: d.displayName,
      story: d.story,
      ingredients: d.ingredients,
      steps: d.steps,
      photoIds: [photoId],
    });
    const entry = await this.entries.submit(author.id, contestId, { ...input, clientRequestId: `showcase-${key}` });
    return entry.id;
  }

  /**
   * Votes as members cast them on earlier days: voter v votes for every entry whose target exceeds
   * v, at most votesPerDay a day (one day further back per group), never for their own entry.
   */
  private async castVotes(entryIds: number[], targets: number[], voters: DemoPerson[], latest: Date, perDay: number): Promise<number> {
    let n = 0;
    for (const [v, voter] of voters.entries()) {
      const mine = entryIds.filter((_, i) => targets[i] > v);
      for (const [k, entryId] of mine.entries()) {
        const at = new Date(latest.getTime() - Math.floor(k / perDay) * DAY - v * 7 * 60_000);
        await this.votes.cast(voter.id, entryId, null, at);
        n++;
      }
    }
    return n;
  }

  private async currentContest(staff: StaffPrincipal, people: DemoPerson[], now: Date, result: ShowcaseResult): Promise<void> {
    const existing = await this.db.manager.findOne(Contest, { where: { title: SHOWCASE_CONTEST } });
    if (existing) {
      const c = await this.contests.adminGet(existing.id);
      result.contest = { id: c.id, title: c.title, entries: c.counts.approved, votes: c.counts.votes, pending: c.counts.pending };
      return;
    }
    const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
    const body = ContestInput.parse({
      title: SHOWCASE_CONTEST,
      rulesText:
        '1. 上传一道你家年夜饭桌上必不可少的菜，配上照片、食材、做法和它背后的故事。\n' +
        '2. 每位会员最多投稿 3 道菜，作品经门店审核后展示。\n' +
        '3. 每位会员每天可投 3 票，同一作品每天最多 1 票。\n' +
        '4. 投票结束后按票数排名，由门店确认获奖作品。',
      prizeText: '获奖菜品由门店大厨复刻，署上你的名字登上年夜饭菜单',
      submissionStartAt: at(-10 * DAY),
      submissionEndAt: at(3 * DAY),
      voteStartAt: at(-5 * DAY),
      voteEndAt: at(10 * DAY),
      votesPerDay: 3,
      juryWeight: 0,
      autoApproveClean: true,
    });
    const created = await this.contests.create(staff, body);
    await this.contests.publish(staff, created.id);
    result.created = true;

    const taken = new Set<number>();
    const voteStart = new Date(now.getTime() - 5 * DAY);
    const authors = this.veterans(people, new Date(voteStart.getTime() - DAY), taken, CURRENT_DISHES.length);
    const ids: number[] = [];
    for (const [i, d] of CURRENT_DISHES.entries()) ids.push(await this.submit(created.id, authors[i], d, `c${created.id}-${i}`));
    const approved = ids.slice(0, CURRENT_VOTES.length);
    const voters = this.veterans(people, new Date(voteStart.getTime() - DAY), taken, Math.max(...CURRENT_VOTES));
    const cast = await this.castVotes(approved, CURRENT_VOTES, voters, new Date(now.getTime() - 2 * HOUR), body.votesPerDay);
    await this.tally.refresh(approved);
    this.contests.invalidate(created.id);
    const c = await this.contests.adminGet(created.id);
    result.contest = { id: c.id, title: c.title, entries: c.counts.approved, votes: cast, pending: c.counts.pending };
  }

  /**
   * A contest that ran about a month ago. The services only take submissions while the window is
   * open and refuse to move voteStartAt once voting started, so: open the windows now (voting
   * from 38 days ago), submit, cast votes dated inside the window, then end both windows in the
   * past through the ops edit, close it as the close job would have (dated just after the end),
   * confirm the winner and list the dish.
   */
  private async pastContest(staff: StaffPrincipal, people: DemoPerson[], now: Date, result: ShowcaseResult): Promise<void> {
    const existing = await this.db.manager.findOne(Contest, { where: { title: SHOWCASE_PAST_CONTEST } });
    if (existing) {
      const winners = await this.contests.winners(existing.id);
      result.pastContest = { id: existing.id, dishName: winners[0]?.dishName ?? null };
      return;
    }
    const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
    const base = {
      title: SHOWCASE_PAST_CONTEST,
      rulesText: '晒出你家中秋团圆宴上的拿手菜，讲讲它的故事。每位会员每天可投 3 票，同一作品每天最多 1 票。',
      prizeText: '第一名的菜由门店大厨复刻上架，署名销售',
      submissionStartAt: at(-45 * DAY),
      voteStartAt: at(-38 * DAY),
      votesPerDay: 3,
      juryWeight: 0,
      autoApproveClean: true,
    };
    const created = await this.contests.create(staff, ContestInput.parse({ ...base, submissionEndAt: at(HOUR), voteEndAt: at(HOUR) }));
    await this.contests.publish(staff, created.id);
    result.created = true;

    const taken = new Set<number>();
    const voteStart = new Date(now.getTime() - 38 * DAY);
    const authors = this.veterans(people, new Date(voteStart.getTime() - DAY), taken, PAST_DISHES.length);
    const ids: number[] = [];
    for (const [i, d] of PAST_DISHES.entries()) ids.push(await this.submit(created.id, authors[i], d, `p${created.id}-${i}`));
    const voters = this.veterans(people, new Date(voteStart.getTime() - DAY), taken, Math.max(...PAST_VOTES));
    await this.castVotes(ids, PAST_VOTES, voters, new Date(now.getTime() - 33 * DAY), base.votesPerDay);

    const voteEnd = new Date(now.getTime() - 30 * DAY);
    await this.contests.update(staff, created.id, ContestInput.parse({ ...base, submissionEndAt: at(-36 * DAY), voteEndAt: voteEnd.toISOString() }));
    // only contests whose voting ended before this instant close (the current one runs on)
    await this.contests.closeDue(new Date(voteEnd.getTime() + HOUR));
    await this.entries.confirmWinners(staff, created.id, [ids[0]]);
    await this.entries.listDish(staff, ids[0], { priceFen: 3800 });
    const winners = await this.contests.winners(created.id);
    result.pastContest = { id: created.id, dishName: winners[0]?.dishName ?? null };
  }

  // ------------------------------------------------------------------ classes

  private async seedClasses(staff: StaffPrincipal, storeId: number, people: DemoPerson[], now: Date, result: ShowcaseResult): Promise<void> {
    const have = await this.db.manager.find(ClassDef, { where: { title: In([...SHOWCASE_CLASSES]), storeId }, select: { id: true, title: true } });
    const exists = new Set(have.map((c) => c.title));
    result.classes = have.length;
    // one registration per household: take one member of each household, in a stable order
    const seen = new Set<number | null>();
    const households = people.filter((p) => p.householdId !== null && !seen.has(p.householdId) && (seen.add(p.householdId), true));
    let cursor = 0;
    const nextMembers = (n: number) => households.slice(cursor, (cursor += n));
    const tomorrow = dayKey(addDays(now, 1));
    const local = (days: number, hhmm: string) => sameDayAt(addDays(dayStartOfKey(tomorrow), days), hhmm);
    const common = { priceFen: 0, registrationClosesMinutesBefore: 60, cancellationClosesMinutesBefore: 24 * 60, coverUrl: null, room: '二楼共享厨房' };

    // the next Wednesday (Shanghai calendar) at least a day away
    let wednesday = local(0, '09:30');
    while (shanghaiParts(wednesday).weekday !== 3) wednesday = addDays(wednesday, 1);
    // each class: its first start and length, then who registers for which session (in order, so
    // a second start that finds some classes there hands the same people to the missing ones)
    const plans: Array<{ fields: ClassPlanFields; start: Date; minutes: number; fill: Array<{ session: number; n: number; childAges?: number[] }> }> = [
      {
        fields: {
          title: '手工水饺',
          type: 'class',
          hostName: '李师傅',
          adultSeats: 12,
          childSeats: 0,
          tags: ['烹饪爱好者'],
          recurrence: null,
          description: '从和面、擀皮到包出元宝饺，李师傅手把手教。现场包的饺子可以打包带回家。',
        },
        start: local(6, '14:00'),
        minutes: 120,
        fill: [{ session: 0, n: 5 }],
      },
      {
        fields: {
          title: '妈妈早茶会',
          type: 'community_ritual',
          hostName: '店长 张三',
          adultSeats: 10,
          childSeats: 0,
          tags: ['宝妈'],
          recurrence: { frequency: 'weekly', count: 6 },
          description: '每周三上午，宝妈们带上娃来店里喝杯茶、聊聊辅食和家常菜，店里备好点心。',
        },
        start: wednesday,
        minutes: 90,
        fill: [
          { session: 0, n: 4 },
          { session: 1, n: 2 },
        ],
      },
      {
        // small on purpose: three families fill it, two more wait in line
        fields: {
          title: '亲子包汤圆',
          type: 'family_event',
          hostName: '王老师',
          adultSeats: 3,
          childSeats: 3,
          tags: ['亲子家庭'],
          recurrence: null,
          description: '一位家长带一个孩子，一起揉粉、包馅、煮汤圆，做好当场品尝。适合4-10岁。',
        },
        start: local(3, '15:00'),
        minutes: 90,
        fill: [{ session: 0, n: 5, childAges: [5, 7, 6, 8, 4] }],
      },
    ];

    for (const p of plans) {
      if (exists.has(p.fields.title)) continue;
      const endsAt = new Date(p.start.getTime() + p.minutes * 60_000);
      const c = await this.classes.create(staff, { ...common, ...p.fields, storeId, startsAt: p.start.toISOString(), endsAt: endsAt.toISOString() }, now);
      for (const f of p.fill) {
        for (const [i, m] of nextMembers(f.n).entries()) {
          const childAges = f.childAges ? [f.childAges[i]] : [];
          await this.registrations.register(m.id, c.sessions[f.session].id, { adults: 1, children: childAges.length, childAges, subscribe: noSubscribe }, now);
        }
      }
      result.classes++;
      result.created = true;
    }
  }

  // ------------------------------------------------------------------ channel code

  private async seedChannel(
    staff: StaffPrincipal,
    storeId: number,
    fresh: DemoPerson[],
    o: { app: Application; simulatorUrl: string | null },
    result: ShowcaseResult,
  ): Promise<void> {
    let channel = await this.db.manager.findOne(WecomChannel, { where: { state: SHOWCASE_CHANNEL_STATE } });
    if (!channel) {
      const view = await this.channels.create(staff, {
        name: '门店收银台',
        kind: 'store',
        type: 'multi',
        skipVerify: true,
        staffUserIds: ['zhangsan', 'zhaoliu'],
        backupUserIds: ['lisi'],
        dailyCapPerStaff: 0,
        tagNames: ['到店顾客', '收银台加粉'],
        welcome: {
          text: '{客户称呼}您好，欢迎光临{门店}！我是{员工姓名}，以后店里的新鲜到货、课程活动都会第一时间告诉您。点开下面的小程序看看本周菜谱～',
          attachments: [{ type: 'miniprogram', title: '本周家常菜谱', appid: 'wx_dev_appid', page: 'pages/recipes/index?from=cashier' }],
        },
        storeId,
        state: SHOWCASE_CHANNEL_STATE,
      });
      channel = await this.db.manager.findOneByOrFail(WecomChannel, { id: view.id });
      result.created = true;
    }
    const current = await this.channels.get(staff, channel.id);
    result.channel = { id: channel.id, name: channel.name, customers: current.stats.adds };
    if (current.stats.adds > 0) return;
    if (!o.simulatorUrl) {
      result.skipped.push('channel customers (no simulator to fire the add callbacks)');
      return;
    }
    // three members who are not WeCom contacts yet (linked by unionid) and two walk-in strangers
    const events = [
      ...fresh.map((p, i) => ({
        ChangeType: 'add_external_contact',
        UserID: i % 2 ? 'zhaoliu' : 'zhangsan',
        State: SHOWCASE_CHANNEL_STATE,
        customer: { name: p.nickname, unionid: p.unionid },
      })),
      ...['买菜的林阿姨', '新搬来的小夏'].map((name, i) => ({
        ChangeType: 'add_external_contact',
        UserID: i % 2 ? 'zhangsan' : 'zhaoliu',
        State: SHOWCASE_CHANNEL_STATE,
        customer: { name },
      })),
    ];
    const fired = await this.fire(o.app, o.simulatorUrl, events);
    await this.settle();
    const after = await this.channels.get(staff, channel.id);
    result.channel.customers = after.stats.adds;
    if (fired.ok !== events.length) result.skipped.push(`channel customers: ${fired.ok}/${events.length} callbacks accepted`);
    result.created = true;
  }

  /** Fire signed add callbacks from the simulator at a private listener on this app. */
  private async fire(app: Application, simulatorUrl: string, events: Array<Record<string, unknown>>): Promise<{ fired: number; ok: number }> {
    const server: Server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${WECOM_CALLBACK_PATH}`;
      const res = await fetch(`${simulatorUrl.replace(/\/+$/, '')}/__sim/wecom/fire-callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // one at a time: the adds arrive in order like customers queueing at the till
        body: JSON.stringify({ url, events, concurrency: 1 }),
        signal: AbortSignal.timeout(15_000),
      });
      if (!res.ok) throw new Error(`simulator fire-callback: ${res.status} ${await res.text()}`);
      return (await res.json()) as { fired: number; ok: number };
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  }

  /** Let in-process work finish: inbox worker, event dispatch, outbound sends (a few rounds: handlers enqueue more). */
  private async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await this.inbox.idle();
      await this.events.drain();
      await this.outbound.idle();
      await this.outbound.drain();
    }
  }
}

const noSubscribe = { reminder24h: false, reminder2h: false, promoted: false };

/** What differs between the showcase classes (the rest is shared or comes from the plan's times). */
type ClassPlanFields = Pick<CreateClassInput, 'title' | 'type' | 'hostName' | 'adultSeats' | 'childSeats' | 'tags' | 'recurrence' | 'description'>;
