import type { AppPageProps } from '../app/pages.js';

export default function Connection(_props: Partial<AppPageProps>) {
  return <p>TODO</p>;
}
