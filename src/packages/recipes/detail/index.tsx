/**
 * One recipe and what it leads to: 买料理包 (the pre-order item ops linked, only when set), 报名相关课程
 * (the linked class's next session), 收藏, and 分享 (a share card in weapp; a card preview in h5).
 */
import { useState } from 'react';
import { Button, Image, Text, View } from '@tarojs/components';
import Taro, { useShareAppMessage } from '@tarojs/taro';
import { DIFFICULTY_LABELS, favouriteRecipe, getRecipe, KIT_ITEM_PAGE, RECIPE_PAGE, unfavouriteRecipe, type RecipeDetail } from '@contracts/recipes';
import { api } from '../../../api/client';
import { showError } from '../../../api/errors';
import { ROUTES } from '../../../api/routes';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import RemoteFrame from '../../../components/RemoteFrame';
import { formatShanghai } from '../../../utils/time';
import { fileUrl, intParam, pageParams } from '../../../utils/page';
import '../recipes.css';

const isWeapp = process.env.TARO_ENV === 'weapp';

export default function RecipeDetailPage() {
  const session = useSession({ autoLogin: true });
  const id = intParam(pageParams().id);
  const remote = useRemote((): Promise<RecipeDetail> => api.call(getRecipe, { params: { recipeId: id! } }), [id], {
    enabled: !!id && session.status === 'ready',
  });
  const recipe = remote.data;
  const setRecipe = remote.setData;
  const [saving, setSaving] = useState(false);
  const [sharing, setSharing] = useState(false);

  useShareAppMessage(() => ({
    title: recipe ? `${recipe.title}｜${recipe.minutes} 分钟上桌` : '一起做饭吧',
    path: `${RECIPE_PAGE}?id=${id ?? ''}`,
    imageUrl: recipe?.coverUrl ? fileUrl(recipe.coverUrl) : undefined,
  }));

  const toggleSave = async () => {
    if (!recipe || saving) return;
    setSaving(true);
    try {
      const route = recipe.favourited ? unfavouriteRecipe : favouriteRecipe;
      const res = await api.call(route, { params: { recipeId: recipe.id } });
      setRecipe({ ...recipe, favourited: res.favourited, favouriteCount: res.favouriteCount });
      void Taro.showToast({ title: res.favourited ? '已收藏' : '已取消收藏', icon: 'none' });
    } catch (err) {
      showError(err);
    } finally {
      setSaving(false);
    }
  };

  const buyKit = () => {
    if (!recipe?.kit) return;
    Taro.navigateTo({ url: `${KIT_ITEM_PAGE}?itemId=${encodeURIComponent(recipe.kit.itemRef)}` }).catch(() => {
      void Taro.showToast({ title: '料理包即将开放预订', icon: 'none' });
    });
  };

  if (!recipe) {
    const signingIn = session.status === 'ready' || session.status === 'loading' || session.status === 'idle';
    return (
      <View className="page" data-testid="page-recipe-detail">
        <RemoteFrame remote={remote} missing={!id && '菜谱不存在'} errorTestId="recipe-error" loadingText={signingIn ? '正在加载…' : '登录后查看菜谱'}>
          {() => null}
        </RemoteFrame>
      </View>
    );
  }

  return (
    <View className="page" data-testid="page-recipe-detail">
      <View className="card">
        {recipe.coverUrl && <Image className="recipe-cover" src={fileUrl(recipe.coverUrl)} mode="aspectFill" />}
        <Text className="hero-title" data-testid="recipe-title">
          {recipe.title}
        </Text>
        {recipe.authorDisplayName && (
          <View>
            <Text className="credit" data-testid="recipe-credit">
              {recipe.fromContest ? `传家菜大赛获奖作品 · ${recipe.authorDisplayName} 的拿手菜` : `作者：${recipe.authorDisplayName}`}
            </Text>
          </View>
        )}
        <View className="recipe-meta">
          <Text className="badge">{recipe.minutes} 分钟</Text>
          <Text className="badge">{DIFFICULTY_LABELS[recipe.difficulty]}</Text>
          <Text className="badge">{recipe.servings} 人份</Text>
          {recipe.tags.map((t) => (
            <Text key={t} className="badge">
              {t}
            </Text>
          ))}
        </View>
        {recipe.intro && <Text className="muted">{recipe.intro}</Text>}
      </View>

      <View className="card recipe-actions" data-testid="recipe-actions">
        {recipe.kit && (
          <Button className="btn-primary" data-testid="recipe-buy-kit" onClick={buyKit}>
            {recipe.kit.label}
          </Button>
        )}
        {recipe.relatedSession && (
          <Button
            className={recipe.kit ? 'btn-plain' : 'btn-primary'}
            data-testid="recipe-book-class"
            onClick={() => void Taro.navigateTo({ url: `${ROUTES.classDetail}?id=${recipe.relatedSession!.id}` })}
          >
            {recipe.relatedSession.registrationOpen ? '报名' : '查看'}「{recipe.relatedSession.title}」{formatShanghai(recipe.relatedSession.startsAt)}
          </Button>
        )}
        <Button className="btn-plain" data-testid="recipe-save" loading={saving || undefined} disabled={saving || undefined} onClick={toggleSave}>
          {recipe.favourited ? `已收藏（${recipe.favouriteCount}）` : `收藏（${recipe.favouriteCount}）`}
        </Button>
        {isWeapp ? (
          <Button className="btn-plain" data-testid="recipe-share" openType="share">
            分享给家人朋友
          </Button>
        ) : (
          <Button className="btn-plain" data-testid="recipe-share" onClick={() => setSharing(true)}>
            分享给家人朋友
          </Button>
        )}
        {sharing && (
          <View className="share-card" data-testid="recipe-share-card">
            <Text className="card-title">{recipe.title}</Text>
            <Text className="muted">{recipe.minutes} 分钟上桌 · 打开小程序看做法</Text>
            <View>
              <Text className="muted">在微信里点右上角「…」→「转发给朋友」，家人收到的就是这张卡片。</Text>
            </View>
            <Button className="btn-plain" onClick={() => setSharing(false)}>
              知道了
            </Button>
          </View>
        )}
      </View>

      <View className="card" data-testid="recipe-ingredients">
        <Text className="card-title">食材</Text>
        {recipe.ingredients.map((ing, i) => (
          <View key={i} className="row">
            <Text className="row-label">
              {ing.name}
              {ing.product ? `（店里买：${ing.product}）` : ''}
            </Text>
            <Text className="row-value">{ing.amount || '适量'}</Text>
          </View>
        ))}
      </View>

      <View className="card" data-testid="recipe-steps">
        <Text className="card-title">做法</Text>
        {recipe.steps.map((step, i) => (
          <View key={i} className="recipe-step">
            <Text className="recipe-step-no">{i + 1}</Text>
            <Text style={{ flex: 1 }}>{step}</Text>
          </View>
        ))}
      </View>
    </View>
  );
}
