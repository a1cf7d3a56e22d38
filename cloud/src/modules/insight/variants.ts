/**
 * Copy variants for an A/B test from templates and audience tags: each tag (a household kind or a
 * shopping habit) has two angles — a promise (「三道菜搞定宝宝一周营养晚餐」) and a question / pain
 * point — filled with the topic ops type (晚餐, 早餐, 年夜饭 …). Variants take the tags' angles in
 * turn (first every tag's promise, then their questions), so two tags give two audiences' copies
 * to race, one tag its two angles. `{客户称呼}` stays for the journey to fill per customer.
 */
import type { VariantTag } from '../../../../contracts/insight';

const ANGLES: Record<VariantTag, { label: string; lines: [string, string] }> = {
  with_children: { label: '宝宝', lines: ['三道菜搞定宝宝一周营养{topic}', '孩子挑食？这周的{topic}让小朋友多吃一碗饭'] },
  elderly: { label: '长辈', lines: ['软烂好嚼的{topic}，爸妈吃得放心', '给爸妈做{topic}，少油少盐也好吃'] },
  busy: { label: '快手', lines: ['下班15分钟，{topic}就上桌', '没时间做{topic}？三步搞定'] },
  thrifty: { label: '实惠', lines: ['一家三口的{topic}，30元吃好', '这周{topic}的菜，店里都在特价'] },
  couple: { label: '两人', lines: ['两个人的{topic}，不浪费也有仪式感', '今晚的{topic}，试试这道新菜？'] },
};
const ANGLE_NAMES = ['承诺', '提问'] as const;

export function generateVariants(topic: string, tags: VariantTag[], count: number): Array<{ label: string; text: string }> {
  const unique = [...new Set(tags)];
  const out: Array<{ label: string; text: string }> = [];
  for (let angle = 0; angle < 2 && out.length < count; angle++) {
    for (const tag of unique) {
      if (out.length >= count) break;
      const a = ANGLES[tag];
      const line = a.lines[angle].replaceAll('{topic}', topic.trim());
      out.push({ label: `${String.fromCharCode(65 + out.length)} ${a.label}·${ANGLE_NAMES[angle]}`.slice(0, 20), text: `{客户称呼}，${line}，点开看看～` });
    }
  }
  return out;
}
