/** Thin HTTP layer for contracts/recipes.ts. */
import { Controller, Inject } from '@midwayjs/core';
import * as api from '../../../../contracts/recipes';
import type { RouteParsed } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { Route } from '../../core/route';
import { HomeService } from './home.service';
import { RecipeService } from './recipe.service';

@Controller('/')
export class RecipesController {
  @Inject()
  recipes!: RecipeService;

  @Inject()
  home!: HomeService;

  @Route(api.listRecipes)
  async listRecipes({ query }: RouteParsed<typeof api.listRecipes>) {
    return this.recipes.list(query);
  }

  @Route(api.listCollections)
  async listCollections() {
    return this.recipes.collections();
  }

  @Route(api.getRecipe)
  async getRecipe({ params }: RouteParsed<typeof api.getRecipe>, auth: AuthContext) {
    return this.recipes.detail(auth.member().memberId, params.recipeId);
  }

  @Route(api.favouriteRecipe)
  async favouriteRecipe({ params }: RouteParsed<typeof api.favouriteRecipe>, auth: AuthContext) {
    return this.recipes.setFavourite(auth.member().memberId, params.recipeId, true);
  }

  @Route(api.unfavouriteRecipe)
  async unfavouriteRecipe({ params }: RouteParsed<typeof api.unfavouriteRecipe>, auth: AuthContext) {
    return this.recipes.setFavourite(auth.member().memberId, params.recipeId, false);
  }

  @Route(api.myFavourites)
  async myFavourites(_: RouteParsed<typeof api.myFavourites>, auth: AuthContext) {
    return this.recipes.favourites(auth.member().memberId);
  }

  @Route(api.myRecommendations)
  async myRecommendations({ query }: RouteParsed<typeof api.myRecommendations>, auth: AuthContext) {
    return this.recipes.recommendations(auth.member().memberId, query.limit);
  }

  @Route(api.homeFeed)
  async homeFeed(_: RouteParsed<typeof api.homeFeed>, auth: AuthContext) {
    return this.home.feed(auth.member().memberId);
  }

  @Route(api.opsListRecipes)
  async opsListRecipes({ query }: RouteParsed<typeof api.opsListRecipes>) {
    return this.recipes.opsList(query);
  }

  @Route(api.opsCreateRecipe)
  async opsCreateRecipe({ body }: RouteParsed<typeof api.opsCreateRecipe>, auth: AuthContext) {
    return this.recipes.save(auth.staff().staffId, null, body);
  }

  @Route(api.opsUpdateRecipe)
  async opsUpdateRecipe({ params, body }: RouteParsed<typeof api.opsUpdateRecipe>, auth: AuthContext) {
    return this.recipes.save(auth.staff().staffId, params.recipeId, body);
  }

  @Route(api.opsListCollections)
  async opsListCollections() {
    return this.recipes.opsCollections();
  }

  @Route(api.opsSaveCollection)
  async opsSaveCollection({ body }: RouteParsed<typeof api.opsSaveCollection>) {
    return this.recipes.saveCollection(body);
  }

  @Route(api.opsListBanners)
  async opsListBanners(_: RouteParsed<typeof api.opsListBanners>, auth: AuthContext) {
    return this.home.opsList(auth.staff());
  }

  @Route(api.opsSaveBanner)
  async opsSaveBanner({ body }: RouteParsed<typeof api.opsSaveBanner>, auth: AuthContext) {
    return this.home.save(auth.staff(), body);
  }

  @Route(api.opsDeleteBanner)
  async opsDeleteBanner({ params }: RouteParsed<typeof api.opsDeleteBanner>, auth: AuthContext) {
    await this.home.remove(auth.staff(), params.bannerId);
    return { deleted: true as const };
  }

  @Route(api.opsRecommendationRules)
  async opsRecommendationRules() {
    return this.recipes.rules();
  }
}
