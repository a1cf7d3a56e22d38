/** The contact's avatar, or the first character of the name when there is none or it fails to load. */
import { useState } from 'react';

export function Avatar({ url, name }: { url: string | null; name: string }) {
  const [broken, setBroken] = useState(false);
  if (!url || broken) {
    return (
      <div className="sb-avatar sb-avatar-text" data-testid="sidebar-avatar-initial">
        {Array.from(name.trim())[0] ?? '客'}
      </div>
    );
  }
  return <img className="sb-avatar" src={url} alt="" referrerPolicy="no-referrer" onError={() => setBroken(true)} />;
}
