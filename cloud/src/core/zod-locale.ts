/** Validation messages reach members as is: make zod's built-in messages Simplified Chinese. */
import { z } from 'zod';

z.config(z.locales.zhCN());
