/** 「我的收藏」: the recipes the member saved, newest first. */
import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { myFavourites, type RecipeCard } from '@contracts/recipes';
import { api } from '../../../api/client';
import { ROUTES } from '../../../api/routes';
import { useRemote } from '../../../api/useRemote';
import RemoteFrame from '../../../components/RemoteFrame';
import RecipeRow from '../RecipeRow';
import '../recipes.css';

export default function FavouritesPage() {
  // also on return from a recipe (收藏 may have changed there)
  const remote = useRemote(async (): Promise<RecipeCard[]> => (await api.call(myFavourites)).items, [], { everyShow: true });

  return (
    <View className="page" data-testid="page-favourites">
      <RemoteFrame
        remote={remote}
        isEmpty={(items) => items.length === 0}
        empty={
          <View className="card" data-testid="favourites-empty">
            <Text className="card-title">还没有收藏的菜谱</Text>
            <Text className="muted">在菜谱页点「收藏」，想做的时候在这里找。</Text>
            <Button className="btn-plain" onClick={() => void Taro.switchTab({ url: ROUTES.recipes })}>
              去看看菜谱
            </Button>
          </View>
        }
      >
        {(items) => (
          <View className="card">
            {items.map((r) => (
              <RecipeRow key={r.id} recipe={r} testId={`favourite-${r.id}`} />
            ))}
          </View>
        )}
      </RemoteFrame>
    </View>
  );
}
