/** Name patterns in .envseal.json (`mask.sensitive`, `rotation.values`): `*` matches any run of characters, everything else is literal, case ignored. */
export function nameGlob(pattern: string): RegExp {
  return new RegExp(`^${pattern.trim().split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
}
