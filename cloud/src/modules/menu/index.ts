/** The menu module's public face: dishes. */
export { DishService } from './dish.service';
