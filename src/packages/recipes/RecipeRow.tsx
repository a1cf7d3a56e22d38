import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { DIFFICULTY_LABELS, type RecipeCard } from '@contracts/recipes';
import { fileUrl } from '../../utils/page';

export const DETAIL = '/packages/recipes/detail/index';

/** One recipe as a row: cover, title, time, difficulty, credit and an optional reason. */
export default function RecipeRow({ recipe, reason, testId }: { recipe: RecipeCard; reason?: string; testId?: string }) {
  return (
    <View
      className="link-row recipe-card"
      data-testid={testId ?? `recipe-row-${recipe.id}`}
      onClick={() => void Taro.navigateTo({ url: `${DETAIL}?id=${recipe.id}` })}
    >
      {recipe.coverUrl ? <Image className="recipe-thumb" src={fileUrl(recipe.coverUrl)} mode="aspectFill" /> : <View className="recipe-thumb" />}
      <View style={{ flex: 1 }}>
        <Text className="card-title">{recipe.title}</Text>
        <View>
          <Text className="muted">
            {recipe.minutes} 分钟 · {DIFFICULTY_LABELS[recipe.difficulty]} · {recipe.servings} 人份
          </Text>
        </View>
        {recipe.authorDisplayName && (
          <View>
            <Text className="muted credit">{recipe.fromContest ? `大赛获奖 · ${recipe.authorDisplayName} 的拿手菜` : `作者：${recipe.authorDisplayName}`}</Text>
          </View>
        )}
        {reason && (
          <View>
            <Text className="badge">{reason}</Text>
          </View>
        )}
      </View>
    </View>
  );
}
