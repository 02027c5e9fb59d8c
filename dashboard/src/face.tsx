/**
 * A smiley drawn in SVG rather than an emoji: hall screens and kiosk browsers often lack an emoji
 * font, and a drawn face reads the same everywhere. Face 1 is the unhappiest, `scale` the happiest.
 */
export function Face({ index, scale, size = 24 }: { index: number; scale: number; size?: number }) {
  const mood = scale > 1 ? ((index - 1) / (scale - 1)) * 2 - 1 : 0; // -1 … 1
  const hue = Math.round(((mood + 1) / 2) * 120); // red … green
  const mouthY = 16 + mood * 3.5;
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" class="face">
      <circle cx="12" cy="12" r="11" fill={`hsl(${hue} 70% 45%)`} stroke="#111" stroke-width="1" />
      <circle cx="8.5" cy="9.5" r="1.5" fill="#111" />
      <circle cx="15.5" cy="9.5" r="1.5" fill="#111" />
      <path d={`M7 ${16 - mood * 0.5} Q12 ${mouthY + mood * 2} 17 ${16 - mood * 0.5}`} stroke="#111" stroke-width="1.6" fill="none" stroke-linecap="round" />
    </svg>
  );
}
