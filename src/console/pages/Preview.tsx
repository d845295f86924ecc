import type { AppPageProps } from '../app/pages.js';

export default function Preview(_props: Partial<AppPageProps>) {
  return <p>TODO</p>;
}
