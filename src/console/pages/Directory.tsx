import type { AppPageProps } from '../app/pages.js';

export default function Directory(_props: Partial<AppPageProps>) {
  return <p>TODO</p>;
}
