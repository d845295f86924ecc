import type { AppPageProps } from '../app/pages.js';

export default function Settings(_props: Partial<AppPageProps>) {
  return <p>TODO</p>;
}
