/**
 * The recipe half of the 菜谱 tab: 为你推荐 (when signed in), themed collections, tags and the
 * newest recipes. Each part loads on its own and stays out of the way when it has nothing.
 */
import { useCallback, useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { DIFFICULTY_LABELS, listCollections, listRecipes, myRecommendations, RECIPE_TAGS, type Collection, type RecipeCard } from '@contracts/recipes';
import type { RouteResponse } from '@contracts/route';
import { api } from '../../api/client';
import { ROUTES } from '../../api/routes';

type Rec = RouteResponse<typeof myRecommendations>['items'][number];

function Row({ r, reason }: { r: RecipeCard; reason?: string }) {
  return (
    <View className="link-row" data-testid={`recipes-recipe-${r.id}`} onClick={() => void Taro.navigateTo({ url: `${ROUTES.recipeDetail}?id=${r.id}` })}>
      <View>
        <Text>{r.title}</Text>
        {r.fromContest && <Text className="badge">大赛获奖</Text>}
        <View>
          <Text className="muted">
            {r.minutes} 分钟 · {DIFFICULTY_LABELS[r.difficulty]}
            {r.authorDisplayName ? ` · ${r.authorDisplayName}` : ''}
            {reason ? ` · ${reason}` : ''}
          </Text>
        </View>
      </View>
      <Text className="chevron">›</Text>
    </View>
  );
}

export default function RecipeHub({ signedIn, reloadKey }: { signedIn: boolean; reloadKey: number }) {
  const [recs, setRecs] = useState<Rec[]>([]);
  const [collections, setCollections] = useState<Collection[]>([]);
  const [latest, setLatest] = useState<RecipeCard[]>([]);

  const load = useCallback(async () => {
    const [c, l, r] = await Promise.allSettled([
      api.call(listCollections),
      api.call(listRecipes, { query: { page: 1, pageSize: 10 } }),
      signedIn ? api.call(myRecommendations, { query: { limit: 4 } }) : Promise.resolve({ items: [] as Rec[] }),
    ]);
    if (c.status === 'fulfilled') setCollections(c.value.items);
    if (l.status === 'fulfilled') setLatest(l.value.items);
    if (r.status === 'fulfilled') setRecs(r.value.items);
  }, [signedIn]);

  useEffect(() => {
    void load();
  }, [load, reloadKey]);

  return (
    <>
      {recs.length > 0 && (
        <View className="card" data-testid="recipes-recommended">
          <Text className="card-title">为你推荐</Text>
          {recs.map((r) => (
            <Row key={r.id} r={r} reason={r.reason} />
          ))}
        </View>
      )}
      {collections.map((c) => (
        <View key={c.id} className="card" data-testid={`recipes-collection-${c.id}`}>
          <View className="link-row" onClick={() => void Taro.navigateTo({ url: `${ROUTES.recipeList}?collection=${c.id}` })}>
            <View>
              <Text className="card-title">{c.title}</Text>
              {c.subtitle && (
                <View>
                  <Text className="muted">{c.subtitle}</Text>
                </View>
              )}
            </View>
            <Text className="chevron">全部 ›</Text>
          </View>
          {c.recipes.slice(0, 3).map((r) => (
            <Row key={r.id} r={r} />
          ))}
        </View>
      ))}
      <View className="card">
        <Text className="card-title">按场景找菜谱</Text>
        <View style={{ display: 'flex', flexWrap: 'wrap', gap: '12px' }}>
          {RECIPE_TAGS.map((t) => (
            <Text
              key={t}
              className="badge"
              data-testid={`recipes-tag-${t}`}
              onClick={() => void Taro.navigateTo({ url: `${ROUTES.recipeList}?tag=${encodeURIComponent(t)}` })}
            >
              {t}
            </Text>
          ))}
        </View>
      </View>
      {latest.length > 0 && (
        <View className="card" data-testid="recipes-latest">
          <Text className="card-title">最新菜谱</Text>
          {latest.map((r) => (
            <Row key={r.id} r={r} />
          ))}
        </View>
      )}
    </>
  );
}
