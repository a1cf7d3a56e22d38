/** 「我的收藏」: the recipes the member saved, newest first. */
import { useCallback, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { myFavourites, type RecipeCard } from '@contracts/recipes';
import { api } from '../../../api/client';
import { errorMessage } from '../../../api/errors';
import { ROUTES } from '../../../api/routes';
import RecipeRow from '../RecipeRow';
import '../recipes.css';

export default function FavouritesPage() {
  const [items, setItems] = useState<RecipeCard[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      setItems((await api.call(myFavourites)).items);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  // also on return from a recipe (收藏 may have changed there)
  useDidShow(() => {
    void load();
  });

  return (
    <View className="page" data-testid="page-favourites">
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
        <View className="card" data-testid="favourites-empty">
          <Text className="card-title">还没有收藏的菜谱</Text>
          <Text className="muted">在菜谱页点「收藏」，想做的时候在这里找。</Text>
          <Button className="btn-plain" onClick={() => void Taro.switchTab({ url: ROUTES.recipes })}>
            去看看菜谱
          </Button>
        </View>
      )}
      {items && items.length > 0 && (
        <View className="card">
          {items.map((r) => (
            <RecipeRow key={r.id} recipe={r} testId={`favourite-${r.id}`} />
          ))}
        </View>
      )}
    </View>
  );
}
