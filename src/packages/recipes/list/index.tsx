/** Recipes by tag (宝宝辅食, 快手菜 …) or one themed collection (?collection=id). */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { listCollections, listRecipes, RECIPE_TAGS, type RecipeCard } from '@contracts/recipes';
import { api } from '../../../api/client';
import { useRemote } from '../../../api/useRemote';
import RemoteFrame from '../../../components/RemoteFrame';
import { intParam, pageParams } from '../../../utils/page';
import RecipeRow from '../RecipeRow';
import '../recipes.css';

export default function RecipeListPage() {
  const params = pageParams();
  const collectionId = intParam(params.collection);
  const [tag, setTag] = useState<string | null>(params.tag ?? null);
  const [title, setTitle] = useState<string>(params.tag ?? '全部菜谱');
  const remote = useRemote(async (): Promise<RecipeCard[]> => {
    if (collectionId) {
      const col = (await api.call(listCollections)).items.find((c) => c.id === collectionId);
      setTitle(col?.title ?? '专题');
      if (col) void Taro.setNavigationBarTitle({ title: col.title });
      return col?.recipes ?? [];
    }
    const items = (await api.call(listRecipes, { query: { page: 1, pageSize: 50, tag: tag ?? undefined } })).items;
    setTitle(tag ?? '全部菜谱');
    return items;
  }, [collectionId, tag]);

  return (
    <View className="page" data-testid="page-recipe-list">
      <View className="hero">
        <Text className="hero-title">{title}</Text>
      </View>
      {!collectionId && (
        <View className="recipe-meta" data-testid="recipe-tags">
          <Text className={tag === null ? 'badge badge-on' : 'badge'} onClick={() => setTag(null)}>
            全部
          </Text>
          {RECIPE_TAGS.map((t) => (
            <Text key={t} className={tag === t ? 'badge badge-on' : 'badge'} data-testid={`recipe-tag-${t}`} onClick={() => setTag(t)}>
              {t}
            </Text>
          ))}
        </View>
      )}
      <RemoteFrame
        remote={remote}
        isEmpty={(items) => items.length === 0}
        empty={
          <View className="card">
            <Text className="muted">这里还没有菜谱，换个标签看看。</Text>
          </View>
        }
      >
        {(items) => (
          <View className="card">
            {items.map((r) => (
              <RecipeRow key={r.id} recipe={r} />
            ))}
          </View>
        )}
      </RemoteFrame>
    </View>
  );
}
