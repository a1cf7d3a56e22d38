/** Recipes by tag (宝宝辅食, 快手菜 …) or one themed collection (?collection=id). */
import { useCallback, useEffect, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { listCollections, listRecipes, RECIPE_TAGS, type RecipeCard } from '@contracts/recipes';
import { api } from '../../../api/client';
import { errorMessage } from '../../../api/errors';
import { intParam, pageParams } from '../../../utils/page';
import RecipeRow from '../RecipeRow';
import '../recipes.css';

export default function RecipeListPage() {
  const params = pageParams();
  const collectionId = intParam(params.collection);
  const [tag, setTag] = useState<string | null>(params.tag ?? null);
  const [title, setTitle] = useState<string>(params.tag ?? '全部菜谱');
  const [items, setItems] = useState<RecipeCard[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      if (collectionId) {
        const col = (await api.call(listCollections)).items.find((c) => c.id === collectionId);
        setTitle(col?.title ?? '专题');
        setItems(col?.recipes ?? []);
        if (col) void Taro.setNavigationBarTitle({ title: col.title });
      } else {
        setItems((await api.call(listRecipes, { query: { page: 1, pageSize: 50, tag: tag ?? undefined } })).items);
        setTitle(tag ?? '全部菜谱');
      }
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [collectionId, tag]);

  useEffect(() => {
    void load();
  }, [load]);

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
      {error && (
        <View className="card">
          <Text className="error-text">{error}</Text>
          <Button className="btn-plain" onClick={() => void load()}>
            重试
          </Button>
        </View>
      )}
      {!items && !error && <Text className="muted">正在加载…</Text>}
      {items && items.length === 0 && (
        <View className="card">
          <Text className="muted">这里还没有菜谱，换个标签看看。</Text>
        </View>
      )}
      {items && items.length > 0 && (
        <View className="card">
          {items.map((r) => (
            <RecipeRow key={r.id} recipe={r} />
          ))}
        </View>
      )}
    </View>
  );
}
