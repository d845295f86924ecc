import type { AppPageProps } from '../app/pages.js';

export default function HeldDeletions(_props: Partial<AppPageProps>) {
  return <p>TODO</p>;
}
