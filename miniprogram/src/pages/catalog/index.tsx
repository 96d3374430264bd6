import Taro, { usePageScroll, useReachBottom } from '@tarojs/taro';
import { Input, ScrollView, Text, View } from '@tarojs/components';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CatalogItem } from '@dinghuo/shared/api';
import type { Category } from '@dinghuo/shared/catalog';
import { call } from '@/api/client';
import { messageOf } from '@/api/errors';
import { GateView, useCustomerGate } from '@/components/Gate';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import { H5TabBar } from '@/components/TabBar';
import SkuCard from './SkuCard';
import { pageAt, windowAround, WINDOW_RADIUS } from './window';
import './index.scss';

const PAGE_SIZE = 20;
/** Height assumed for a page of cards not measured yet (px). */
const PAGE_HEIGHT_GUESS = PAGE_SIZE * 150;

interface ListState {
  /** Loaded pages of cards, in order; only those near the viewport are rendered. */
  pages: CatalogItem[][];
  page: number;
  hasMore: boolean;
  total: number;
  loading: boolean;
  error: unknown;
}

const EMPTY_LIST: ListState = { pages: [], page: 0, hasMore: true, total: 0, loading: false, error: null };

export default function CatalogPage() {
  const gate = useCustomerGate();
  const ready = gate.state === 'customer';
  const [categories, setCategories] = useState<Category[] | null>(null);
  const [categoryId, setCategoryId] = useState<string | undefined>(undefined);
  const [keyword, setKeyword] = useState('');
  const [draft, setDraft] = useState('');
  const [list, setList] = useState<ListState>(EMPTY_LIST);
  const seq = useRef(0);
  const listRef = useRef(list);
  listRef.current = list;
  const itemCount = list.pages.reduce((n, p) => n + p.length, 0);

  // Windowing: the page in the middle of the viewport, measured page heights (px), the list's
  // top in the document, the last scroll offset and the viewport height.
  const [center, setCenter] = useState(0);
  const centerRef = useRef(0);
  centerRef.current = center;
  const heights = useRef<number[]>([]);
  const listTop = useRef(0);
  const scrollTop = useRef(0);
  const viewport = useRef(0);
  if (!viewport.current) {
    try {
      viewport.current = Taro.getSystemInfoSync().windowHeight || 700;
    } catch {
      viewport.current = 700;
    }
  }
  const follow = useCallback(() => {
    const count = listRef.current.pages.length;
    const c = pageAt(scrollTop.current + viewport.current / 2 - listTop.current, count, heights.current, PAGE_HEIGHT_GUESS);
    if (c !== centerRef.current) setCenter(c);
  }, []);

  useEffect(() => {
    if (gate.state === 'staff') void Taro.switchTab({ url: '/pages/followup/index' });
  }, [gate.state]);

  useEffect(() => {
    if (!ready || categories) return;
    call('catalog', 'categories', {})
      .then(setCategories)
      .catch(() => setCategories([]));
  }, [ready, categories]);

  const load = useCallback(
    (reset: boolean) => {
      const cur = listRef.current;
      if (!reset && (cur.loading || !cur.hasMore)) return;
      const page = reset ? 1 : cur.page + 1;
      const mine = ++seq.current;
      if (reset) {
        heights.current = [];
        setCenter(0);
      }
      setList((s) => ({ ...(reset ? EMPTY_LIST : s), loading: true, error: null }));
      call('catalog', 'list', { page, pageSize: PAGE_SIZE, ...(categoryId ? { categoryId } : {}), ...(keyword ? { keyword } : {}) })
        .then((res) => {
          if (mine !== seq.current) return;
          // Reached by scrolling to the bottom: keep the new page inside the window.
          if (!reset) setCenter((c) => Math.max(c, page - 1 - WINDOW_RADIUS));
          setList((s) => ({
            pages: reset ? [res.items] : [...s.pages, res.items],
            page,
            hasMore: res.hasMore,
            total: res.total,
            loading: false,
            error: null,
          }));
        })
        .catch((e: unknown) => {
          if (mine !== seq.current) return;
          setList((s) => ({ ...s, loading: false, error: e }));
        });
    },
    [categoryId, keyword],
  );

  useEffect(() => {
    if (ready) load(true);
  }, [ready, load]);

  useReachBottom(() => {
    if (ready) load(false);
  });

  usePageScroll(({ scrollTop: top }) => {
    scrollTop.current = top;
    follow();
  });

  const win = windowAround(center, list.pages.length, heights.current, PAGE_HEIGHT_GUESS);

  // Measure the rendered pages (and where the list starts) after each change of the window, so
  // the spacers stand for the real heights of the pages they replace.
  useEffect(() => {
    if (!ready || win.to <= win.from) return;
    const run = () => {
      try {
        const q = Taro.createSelectorQuery();
        const page = Taro.getCurrentInstance().page;
        if (process.env.TARO_ENV === 'weapp' && page) q.in(page as never);
        q.select('#catalog-list').boundingClientRect();
        q.selectAll('.catalog__page').boundingClientRect();
        q.selectViewport().scrollOffset();
        q.exec((res: unknown[]) => {
          const listRect = res?.[0] as { top?: number } | null;
          const rects = (res?.[1] ?? []) as { id?: string; height?: number }[];
          const offset = res?.[2] as { scrollTop?: number } | null;
          if (!listRect || !offset) return;
          if (typeof offset.scrollTop === 'number') scrollTop.current = offset.scrollTop;
          if (typeof listRect.top === 'number') listTop.current = listRect.top + scrollTop.current;
          for (const r of rects) {
            const i = Number(String(r.id ?? '').replace('catalog-page-', ''));
            if (Number.isInteger(i) && i >= 0 && r.height && r.height > 0) heights.current[i] = r.height;
          }
          follow();
        });
      } catch {
        // no layout information (tests): the guessed heights stand
      }
    };
    void Taro.nextTick(run);
  }, [ready, win.from, win.to, list.pages.length, follow]);

  // Search as you type, after a pause.
  useEffect(() => {
    const t = setTimeout(() => setKeyword(draft.trim()), 400);
    return () => clearTimeout(t);
  }, [draft]);

  return (
    <View className='page page--tab catalog'>
      {!ready ? (
        <GateView state={gate.state} error={gate.error} retry={gate.retry} />
      ) : (
        <View>
          <View className='catalog__top'>
            <View className='catalog__customer muted' data-testid='customer-name'>
              {gate.me?.customer?.name} · {gate.me?.customer?.levelName}
            </View>
            <Input
              className='catalog__search'
              placeholder='搜索商品名称或编码'
              confirmType='search'
              value={draft}
              data-testid='search'
              onInput={(e) => setDraft(String(e.detail.value))}
              onConfirm={(e) => {
                setDraft(String(e.detail.value));
                setKeyword(String(e.detail.value).trim());
              }}
            />
            <ScrollView scrollX className='catalog__cats' enhanced showScrollbar={false}>
              <Text className={`chip ${categoryId === undefined ? 'chip--on' : ''}`} data-testid='category' onClick={() => setCategoryId(undefined)}>
                全部
              </Text>
              {(categories ?? []).map((c) => (
                <Text key={c._id} className={`chip ${categoryId === c._id ? 'chip--on' : ''}`} data-testid='category' onClick={() => setCategoryId(c._id)}>
                  {c.name}
                </Text>
              ))}
            </ScrollView>
          </View>
          <View className='catalog__list' id='catalog-list' data-testid='sku-list'>
            {win.before > 0 ? <View className='catalog__spacer' data-testid='spacer-before' style={{ height: `${Math.round(win.before)}px` }} /> : null}
            {list.pages.slice(win.from, win.to).map((items, k) => (
              <View key={win.from + k} className='catalog__page' id={`catalog-page-${win.from + k}`}>
                {items.map((item) => (
                  <SkuCard key={item.skuId} item={item} />
                ))}
              </View>
            ))}
            {win.after > 0 ? <View className='catalog__spacer' data-testid='spacer-after' style={{ height: `${Math.round(win.after)}px` }} /> : null}
          </View>
          {list.loading ? <Loading /> : null}
          {!list.loading && list.error && itemCount === 0 ? <ErrorState error={list.error} onRetry={() => load(true)} /> : null}
          {!list.loading && list.error && itemCount > 0 ? (
            <View className='catalog__more error-text' onClick={() => load(false)}>
              {messageOf(list.error)}，点此重试
            </View>
          ) : null}
          {!list.loading && !list.error && itemCount === 0 && list.page > 0 ? <Empty text={keyword ? '没有找到相关商品' : '该分类暂无商品'} /> : null}
          {!list.loading && !list.error && itemCount > 0 && !list.hasMore ? (
            <View className='catalog__more muted' data-testid='list-end'>
              共 {list.total} 个商品，已全部加载
            </View>
          ) : null}
        </View>
      )}
      <H5TabBar current='catalog' />
    </View>
  );
}
